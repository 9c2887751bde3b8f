import { DependencyError } from "@tracemesh/errors";
import { describe, expect, test } from "vitest";
import { createDeadline } from "./deadline.ts";
import { clientFactory, failureOf, hang, reply, upstreamPerTest } from "./test-utils.ts";
import { UpstreamFailure } from "./upstream-failure.ts";

const upstream = upstreamPerTest();
const client = clientFactory(upstream, {
  timeouts: { attemptMs: 1_000, totalMs: 5_000 },
  retry: { maxAttempts: 1 },
});

describe("success", () => {
  test("sends method, path, headers and a JSON body; returns the response with its body", async () => {
    upstream.behave(reply(201, { id: "42" }, { "x-upstream": "yes" }));
    const res = await client().request({
      method: "post",
      path: "v1/things?x=1",
      body: { title: "a" },
      headers: { authorization: "Bearer t" },
      deadline: createDeadline(3_000),
    });
    expect(res.status).toBe(201);
    expect(res.headers.get("x-upstream")).toBe("yes");
    expect(await res.json()).toEqual({ id: "42" });
    const [hit] = upstream.hits;
    expect(hit?.method).toBe("POST");
    expect(hit?.path).toBe("/v1/things?x=1");
    expect(hit?.headers["content-type"]).toBe("application/json");
    expect(hit?.headers.authorization).toBe("Bearer t");
    expect(JSON.parse(hit?.body ?? "")).toEqual({ title: "a" });
  });

  test("requestJson parses the body, and gives undefined for an empty one", async () => {
    upstream.behave(reply(200, { allowed: true }));
    const deadline = createDeadline(3_000);
    expect(await client().requestJson({ method: "GET", path: "/a", deadline })).toEqual({
      allowed: true,
    });
    upstream.behave(reply(204));
    expect(await client().requestJson({ method: "GET", path: "/a", deadline })).toBeUndefined();
  });

  test("a 2xx whose body is not JSON is the dependency's fault for requestJson", async () => {
    upstream.behave(reply(200, "<html>"));
    const error = await failureOf(
      client().requestJson({ method: "GET", path: "/", deadline: createDeadline(3_000) }),
    );
    expect(error).toBeInstanceOf(DependencyError);
    expect((error as DependencyError).cause).toMatchObject({ kind: "invalid_answer" });
  });

  test("requestJson gives what `usable` takes from the body, and retries no unusable one", async () => {
    const usable = (body: unknown) => (body as { id?: string } | undefined)?.id;
    upstream.behave(reply(200, { id: "u1" }));
    const retrying = client({ retry: { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 5 } });
    const deadline = createDeadline(3_000);
    expect(await retrying.requestJson({ method: "GET", path: "/", deadline, usable })).toBe("u1");
    upstream.behave(reply(200, { name: "no id" }));
    const error = await failureOf(
      retrying.requestJson({ method: "GET", path: "/", deadline, usable }),
    );
    expect(error).toBeInstanceOf(DependencyError);
    // The same question would only get the same answer.
    expect(upstream.hits).toHaveLength(2);
  });
});

describe("deadlines", () => {
  test("forwards the remaining budget minus the margin, smaller than the caller's", async () => {
    await client({ marginMs: 100 }).request({
      method: "GET",
      path: "/",
      deadline: createDeadline(3_000),
    });
    const forwarded = Number(upstream.hits[0]?.headers["x-request-timeout-ms"]);
    expect(forwarded).toBeLessThanOrEqual(900);
    expect(forwarded).toBeGreaterThan(0);
    await client({ marginMs: 100, timeouts: { attemptMs: 10_000 } }).request({
      method: "GET",
      path: "/",
      deadline: createDeadline(3_000),
    });
    const fromDeadline = Number(upstream.hits[1]?.headers["x-request-timeout-ms"]);
    expect(fromDeadline).toBeLessThanOrEqual(2_900);
    expect(fromDeadline).toBeGreaterThan(1_500);
  });

  test("answers 503 within the caller's deadline when the upstream hangs", async () => {
    upstream.behave(hang);
    const slowClient = client({ timeouts: { attemptMs: 20_000, totalMs: 20_000 } });
    const started = performance.now();
    const error = await failureOf(
      slowClient.request({ method: "GET", path: "/", deadline: createDeadline(300) }),
    );
    const elapsed = performance.now() - started;
    expect(error).toBeInstanceOf(DependencyError);
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(2_000);
  });

  test("the configured total timeout bounds a call with a longer deadline", async () => {
    upstream.behave(hang);
    const started = performance.now();
    const error = await failureOf(
      client({ timeouts: { attemptMs: 20_000, totalMs: 300 } }).request({
        method: "GET",
        path: "/",
        deadline: createDeadline(20_000),
      }),
    );
    expect(error).toBeInstanceOf(DependencyError);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  test("never starts an attempt with less than minBudgetMs left", async () => {
    const error = await failureOf(
      client({ minBudgetMs: 200 }).request({
        method: "GET",
        path: "/",
        deadline: createDeadline(150),
      }),
    );
    expect(error).toBeInstanceOf(DependencyError);
    expect((error as Error).stack).toBe("DependencyError: dependency auth unavailable");
    expect(upstream.hits).toHaveLength(0);
  });

  test("retries give up while another attempt still fits, not when the deadline hits", async () => {
    upstream.behave(reply(500, {}));
    const started = performance.now();
    const error = await failureOf(
      client({
        retry: { maxAttempts: 100, initialDelayMs: 100, maxDelayMs: 150 },
        // Half the deadline: an attempt slowed by a busy machine (CI runs test files in
        // parallel) still ends long before the deadline, as the assertions below need.
        minBudgetMs: 1_500,
        breaker: { consecutiveFailures: 1_000 },
      }).request({ method: "GET", path: "/", deadline: createDeadline(3_000) }),
    );
    expect(error).toBeInstanceOf(DependencyError);
    // Had it slept into the deadline, the cause would be the total timeout, not the last 500.
    expect((error as DependencyError).cause).toBeInstanceOf(UpstreamFailure);
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(upstream.hits.length).toBeGreaterThan(1);
    expect(upstream.hits.length).toBeLessThan(100);
  });

  test("a retry whose wait ran long (a busy event loop) ends with the dependency's failure, not our budget", async () => {
    upstream.behave((hit, res) => {
      reply(500, {})(hit, res);
      // The process stalls during the retry's 100 ms wait, past the time the next attempt needed.
      setTimeout(() => {
        const until = performance.now() + 1_700;
        while (performance.now() < until) {}
      }, 20);
    });
    const error = await failureOf(
      client({
        retry: { maxAttempts: 2, initialDelayMs: 100, maxDelayMs: 100 },
        minBudgetMs: 1_500,
      }).request({ method: "GET", path: "/", deadline: createDeadline(3_000) }),
    );
    expect(error).toBeInstanceOf(DependencyError);
    expect(upstream.hits).toHaveLength(1);
    expect((error as DependencyError).cause).toBeInstanceOf(UpstreamFailure);
    expect((error as DependencyError).deadlineExceeded).toBe(false);
  });
});
