import { onError } from "@tracemesh/errors";
import { Hono } from "hono";
import { beforeEach, describe, expect, test } from "vitest";
import { deadline } from "./deadline-middleware.ts";
import { clientFactory, hang, reply, upstreamPerTest } from "./test-utils.ts";

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

describe("through a Hono service with the errors package's onError", () => {
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
