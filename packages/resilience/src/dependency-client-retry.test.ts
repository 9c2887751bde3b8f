import { DependencyError } from "@tracemesh/errors";
import { describe, expect, test } from "vitest";
import { createDeadline } from "./deadline.ts";
import { MAX_RETRY_AFTER_SECONDS } from "./retry-after.ts";
import {
  clientFactory,
  failureOf,
  hang,
  reply,
  sequence,
  slow,
  upstreamPerTest,
} from "./test-utils.ts";

const upstream = upstreamPerTest(reply(500, { errorCode: "INTERNAL_ERROR" }));
const client = clientFactory(upstream, {
  timeouts: { attemptMs: 1_000, totalMs: 10_000 },
  retry: { maxAttempts: 3, initialDelayMs: 10, maxDelayMs: 50 },
  breaker: { consecutiveFailures: 100 },
});

describe("retries", () => {
  test("an idempotent call is retried, at most maxAttempts times in all", async () => {
    const error = await failureOf(
      client().request({ method: "GET", path: "/", deadline: createDeadline(5_000) }),
    );
    expect(error).toBeInstanceOf(DependencyError);
    expect(upstream.hits).toHaveLength(3);
  });

  test("a retry that succeeds answers the call", async () => {
    upstream.behave(sequence(reply(503), reply(200, { ok: true })));
    const res = await client().request({
      method: "PUT",
      path: "/",
      body: "x",
      deadline: createDeadline(5_000),
    });
    expect(res.status).toBe(200);
    expect(upstream.hits).toHaveLength(2);
    expect(upstream.hits.map((hit) => hit.body)).toEqual(["x", "x"]);
  });

  test("timeouts are retried too", async () => {
    upstream.behave(sequence(hang, reply(200, { ok: true })));
    const res = await client({ timeouts: { attemptMs: 200 } }).request({
      method: "GET",
      path: "/",
      deadline: createDeadline(5_000),
    });
    expect(res.status).toBe(200);
    expect(upstream.hits).toHaveLength(2);
  });

  test("a non-idempotent call is never retried", async () => {
    const error = await failureOf(
      client().request({ method: "POST", path: "/", deadline: createDeadline(5_000) }),
    );
    expect(error).toBeInstanceOf(DependencyError);
    expect(upstream.hits).toHaveLength(1);
  });

  test("a POST declared idempotent is retried", async () => {
    await failureOf(
      client().request({
        method: "POST",
        path: "/",
        idempotent: true,
        deadline: createDeadline(5_000),
      }),
    );
    expect(upstream.hits).toHaveLength(3);
  });

  test("a GET declared not idempotent is not retried", async () => {
    await failureOf(
      client().request({
        method: "GET",
        path: "/",
        idempotent: false,
        deadline: createDeadline(5_000),
      }),
    );
    expect(upstream.hits).toHaveLength(1);
  });

  test("an upstream 4xx is not retried", async () => {
    upstream.behave(reply(401, { errorCode: "AUTH_REQUIRED" }));
    await failureOf(
      client().request({ method: "GET", path: "/", deadline: createDeadline(5_000) }),
    );
    expect(upstream.hits).toHaveLength(1);
  });

  test("each attempt forwards the budget left at its start", async () => {
    upstream.behave(sequence(reply(500), reply(500), reply(200, {})));
    await client({ retry: { maxAttempts: 3, initialDelayMs: 100, maxDelayMs: 100 } }).request({
      method: "GET",
      path: "/",
      deadline: createDeadline(900),
    });
    const budgets = upstream.hits.map((hit) => Number(hit.headers["x-request-timeout-ms"]));
    expect(budgets).toHaveLength(3);
    expect(budgets[1]).toBeLessThan(budgets[0] ?? 0);
    expect(budgets[2]).toBeLessThan(budgets[1] ?? 0);
  });
});

describe("retries within the total timeout", () => {
  test("retries stop at totalMs, well before the caller's deadline", async () => {
    upstream.behave(slow(100, reply(500)));
    const started = performance.now();
    const error = await failureOf(
      client({
        timeouts: { attemptMs: 1_000, totalMs: 450 },
        retry: { maxAttempts: 10, initialDelayMs: 10, maxDelayMs: 20 },
        minBudgetMs: 100,
      }).request({ method: "GET", path: "/", deadline: createDeadline(5_000) }),
    );
    expect(error).toBeInstanceOf(DependencyError);
    expect(performance.now() - started).toBeLessThan(1_000);
    // ~120 ms per failed attempt and its wait: three fit in 450 ms with 100 ms to spare, not ten.
    expect(upstream.hits.length).toBeGreaterThanOrEqual(2);
    expect(upstream.hits.length).toBeLessThanOrEqual(4);
  });

  test("the attempt the total timeout cuts is told what is left, and is no failure for the breaker", async () => {
    upstream.behave(hang);
    const c = client({
      timeouts: { attemptMs: 300, totalMs: 500 },
      retry: { maxAttempts: 5, initialDelayMs: 10, maxDelayMs: 20 },
      breaker: { consecutiveFailures: 2 },
      minBudgetMs: 50,
      marginMs: 50,
    });
    const started = performance.now();
    const error = await failureOf(
      c.request({ method: "GET", path: "/", deadline: createDeadline(5_000) }),
    );
    const elapsed = performance.now() - started;
    expect(error).toBeInstanceOf(DependencyError);
    expect(elapsed).toBeGreaterThanOrEqual(450);
    expect(elapsed).toBeLessThan(1_000);
    // The first attempt timed out after its own 300 ms; the retry had ~190 ms left of the 500.
    expect(upstream.hits).toHaveLength(2);
    const [first, second] = upstream.hits.map((hit) => Number(hit.headers["x-request-timeout-ms"]));
    expect(first).toBe(250);
    expect(second).toBeLessThanOrEqual(150);
    // Only the first counts: two failures would have opened it.
    expect(c.breakerState()).toBe("closed");
  });
});

describe("Retry-After", () => {
  test("the next attempt waits at least as long as the upstream asked", async () => {
    upstream.behave(sequence(reply(503, {}, { "retry-after": "1" }), reply(200, { ok: true })));
    const res = await client().request({
      method: "GET",
      path: "/",
      deadline: createDeadline(5_000),
    });
    expect(res.status).toBe(200);
    const [first, second] = upstream.hits;
    // maxDelayMs is 50: only the upstream's Retry-After explains a wait near one second.
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(950);
  });

  test("no retry when the wait asked for does not fit the deadline; the 503 passes it on", async () => {
    upstream.behave(reply(503, {}, { "retry-after": "30" }));
    const started = performance.now();
    const error = await failureOf(
      client().request({ method: "GET", path: "/", deadline: createDeadline(3_000) }),
    );
    expect(performance.now() - started).toBeLessThan(1_500);
    expect(upstream.hits).toHaveLength(1);
    expect((error as DependencyError).retryAfterSeconds).toBe(30);
    expect((error as DependencyError).retryAfterKnown).toBe(true);
  });

  test("a day-long Retry-After: no retry, and clients are told at most the cap", async () => {
    upstream.behave(reply(503, {}, { "retry-after": "86400" }));
    const started = performance.now();
    const error = (await failureOf(
      client().request({ method: "GET", path: "/", deadline: createDeadline(3_000) }),
    )) as DependencyError;
    expect(performance.now() - started).toBeLessThan(1_500);
    expect(upstream.hits).toHaveLength(1);
    expect(error.retryAfterSeconds).toBe(MAX_RETRY_AFTER_SECONDS);
    expect(error.headers["Retry-After"]).toBe(String(MAX_RETRY_AFTER_SECONDS));
  });
});
