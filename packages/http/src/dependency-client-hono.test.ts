import {
  clientFactory,
  endlessBody,
  hang,
  reply,
  upstreamPerTest,
} from "@tracemesh/resilience/testing";
import { Hono } from "hono";
import { beforeEach, describe, expect, test } from "vitest";
import { deadline } from "./deadline.ts";
import { onError } from "./on-error.ts";

const upstream = upstreamPerTest();
const client = clientFactory(upstream, {
  timeouts: { attemptMs: 5_000, totalMs: 5_000 },
  retry: { maxAttempts: 1 },
});
let app: Hono;
beforeEach(() => {
  const auth = client();
  app = new Hono();
  app.use(deadline({ budgetMs: 3_000 }));
  app.onError(onError);
  app.get("/v1/todos", async (c) => {
    const decision = await auth.requestJson({
      method: "POST",
      path: "/v1/authorize",
      body: { action: "todos:list" },
      idempotent: true,
      deadline: c.var.deadline,
    });
    return c.json({ decision });
  });
});

describe("through a Hono service with the contract's onError", () => {
  test("an unavailable dependency is a contract 503 that names no host, port or URL", async () => {
    upstream.behave(reply(500, { errorCode: "INTERNAL_ERROR" }));
    const res = await app.request("/v1/todos");
    const text = await res.text();
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("1");
    expect(JSON.parse(text)).toMatchObject({
      errorCode: "SERVICE_UNAVAILABLE",
      retryable: true,
      details: [{ type: "dependency", name: "auth" }],
    });
    expect(text).not.toContain("127.0.0.1");
    expect(text).not.toContain(new URL(upstream.url).port);
    expect(text).not.toContain("/v1/authorize");
  });

  test("an upstream 401 stays a 401 with the upstream's code", async () => {
    upstream.behave(
      reply(
        401,
        { errorCode: "AUTH_TOKEN_INVALID" },
        { "www-authenticate": 'Bearer error="invalid_token"' },
      ),
    );
    const res = await app.request("/v1/todos");
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe('Bearer error="invalid_token"');
    expect(await res.json()).toMatchObject({ errorCode: "AUTH_TOKEN_INVALID", retryable: false });
  });

  test("the caller's shortened budget is what the dependency is told, minus the margin", async () => {
    upstream.behave(reply(200, { allowed: true }));
    const res = await app.request("/v1/todos", { headers: { "X-Request-Timeout-Ms": "800" } });
    expect(await res.json()).toEqual({ decision: { allowed: true } });
    const forwarded = Number(upstream.hits[0]?.headers["x-request-timeout-ms"]);
    expect(forwarded).toBeLessThanOrEqual(750);
    expect(forwarded).toBeGreaterThan(0);
  });

  test("X-Request-Timeout-Ms: 0 means no time left: 503 at once, the dependency never called", async () => {
    const started = performance.now();
    const res = await app.request("/v1/todos", { headers: { "X-Request-Timeout-Ms": "0" } });
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ errorCode: "SERVICE_UNAVAILABLE" });
    expect(performance.now() - started).toBeLessThan(100);
    expect(upstream.hits).toHaveLength(0);
  });

  test("a repeated X-Request-Timeout-Ms: the smallest valid value is the budget", async () => {
    upstream.behave(reply(200, { allowed: true }));
    const headers = new Headers({ "X-Request-Timeout-Ms": "2000" });
    headers.append("X-Request-Timeout-Ms", "soon");
    headers.append("X-Request-Timeout-Ms", "400");
    expect((await app.request("/v1/todos", { headers })).status).toBe(200);
    const forwarded = Number(upstream.hits[0]?.headers["x-request-timeout-ms"]);
    expect(forwarded).toBeLessThanOrEqual(350);
    expect(forwarded).toBeGreaterThan(0);
  });

  test("a hanging dependency is answered within the caller's budget", async () => {
    upstream.behave(hang);
    const started = performance.now();
    const res = await app.request("/v1/todos", { headers: { "X-Request-Timeout-Ms": "300" } });
    expect(res.status).toBe(503);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

// Far longer than reading the body limit takes on any machine: an answer that comes near these
// was cut off by a timeout, not by the limit.
const ATTEMPT_MS = 10_000;
const unboundedClient = clientFactory(upstream, {
  timeouts: { attemptMs: ATTEMPT_MS, totalMs: 2 * ATTEMPT_MS },
  retry: { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 5 },
});

describe("an upstream answer past the body limit", () => {
  test("an endless body: a contract 503 that says nothing of the body or the upstream", async () => {
    const stream = endlessBody();
    upstream.behave(stream.behaviour);
    const auth = unboundedClient();
    const app = new Hono();
    app.use(deadline({ budgetMs: 2 * ATTEMPT_MS }));
    app.onError(onError);
    app.get("/v1/todos", async (c) => {
      const decision = await auth.requestJson({
        method: "GET",
        path: "/v1/decision",
        deadline: c.var.deadline,
      });
      return c.json({ decision });
    });
    const started = performance.now();
    const res = await app.request("/v1/todos");
    const text = await res.text();
    expect(performance.now() - started).toBeLessThan(ATTEMPT_MS / 2);
    expect(res.status).toBe(503);
    expect(JSON.parse(text)).toMatchObject({
      errorCode: "SERVICE_UNAVAILABLE",
      details: [{ type: "dependency", name: "auth" }],
    });
    expect(text).not.toContain("padding");
    expect(text).not.toContain("aaaa");
    expect(text).not.toContain("127.0.0.1");
    expect(text).not.toContain(new URL(upstream.url).port);
    expect(text.length).toBeLessThan(2_048);
  });
});
