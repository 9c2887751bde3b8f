import { DependencyError } from "@tracemesh/errors";
import { isBrokenCircuitError } from "cockatiel";
import { describe, expect, test } from "vitest";
import { createDeadline } from "./deadline.ts";
import { clientFactory, failureOf, hang, reply, upstreamPerTest } from "./test-utils.ts";

const upstream = upstreamPerTest(reply(500, { errorCode: "INTERNAL_ERROR" }));
const client = clientFactory(upstream, {
  timeouts: { attemptMs: 5_000, totalMs: 10_000 },
  retry: { maxAttempts: 1 },
  breaker: { consecutiveFailures: 3, halfOpenAfterMs: 400 },
});

const get = (c: ReturnType<typeof client>) =>
  c.request({ method: "GET", path: "/", deadline: createDeadline(10_000) });

async function openBreaker(c: ReturnType<typeof client>) {
  for (let i = 0; i < 3; i += 1) await failureOf(get(c));
  expect(c.breakerState()).toBe("open");
}

describe("circuit breaker", () => {
  test("opens after N consecutive failures; while open no call reaches the upstream", async () => {
    const c = client();
    await failureOf(get(c));
    await failureOf(get(c));
    expect(c.breakerState()).toBe("closed");
    await failureOf(get(c));
    expect(c.breakerState()).toBe("open");
    expect(upstream.hits).toHaveLength(3);
    for (let i = 0; i < 5; i += 1) expect(await failureOf(get(c))).toBeInstanceOf(DependencyError);
    expect(upstream.hits).toHaveLength(3);
  });

  test("while open, calls fail at once even when the upstream would hang", async () => {
    const c = client();
    await openBreaker(c);
    upstream.behave(hang);
    const started = performance.now();
    const error = await failureOf(get(c));
    // The attempt timeout is 5 s: anything near it would mean the call went out.
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(error).toBeInstanceOf(DependencyError);
  });

  test("a refused call's error and its cause have no stack frames; a failed call's has them", async () => {
    const c = client();
    const failed = (await failureOf(get(c))) as DependencyError;
    expect(failed.stack).toMatch(/\n\s+at /);
    await openBreaker(c);
    const refused = (await failureOf(get(c))) as DependencyError;
    expect(refused).toBeInstanceOf(DependencyError);
    expect(refused.stack).toBe("DependencyError: dependency auth unavailable");
    expect(isBrokenCircuitError(refused.cause)).toBe(true);
    expect((refused.cause as Error).stack).toBe(
      "Error: Execution prevented because the circuit breaker is open",
    );
    // Only what was built during the refusal: errors afterwards capture their stacks again.
    expect(new Error("after").stack).toMatch(/\n\s+at /);
  });

  test("Retry-After is the breaker's remaining open time, rounded up", async () => {
    const c = client({ breaker: { consecutiveFailures: 3, halfOpenAfterMs: 4_500 } });
    await openBreaker(c);
    const error = (await failureOf(get(c))) as DependencyError;
    expect(error.retryAfterSeconds).toBe(5);
    expect(error.retryAfterKnown).toBe(true);
    expect(error.headers["Retry-After"]).toBe("5");
  });

  test("half-opens after the configured time and closes on a successful trial call", async () => {
    const c = client();
    await openBreaker(c);
    upstream.behave(reply(200, { ok: true }));
    await new Promise((resolve) => setTimeout(resolve, 500));
    const res = await get(c);
    expect(res.status).toBe(200);
    expect(upstream.hits).toHaveLength(4);
    expect(c.breakerState()).toBe("closed");
    await get(c);
    expect(upstream.hits).toHaveLength(5);
  });

  test("a failed trial call opens it again", async () => {
    const c = client();
    await openBreaker(c);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await failureOf(get(c));
    expect(upstream.hits).toHaveLength(4);
    expect(c.breakerState()).toBe("open");
    await failureOf(get(c));
    expect(upstream.hits).toHaveLength(4);
  });

  test("while a trial call is in flight, other calls fail at once instead of waiting for it", async () => {
    const c = client({ timeouts: { attemptMs: 600, totalMs: 2_000 } });
    await openBreaker(c);
    upstream.behave(hang);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const trial = failureOf(get(c));
    expect(c.breakerState()).toBe("half-open");
    const started = performance.now();
    const others = await Promise.all([failureOf(get(c)), failureOf(get(c))]);
    // Waiting for the trial would take its whole attempt timeout, 600 ms.
    expect(performance.now() - started).toBeLessThan(300);
    for (const error of others) {
      expect(error).toBeInstanceOf(DependencyError);
      expect((error as Error).stack).toBe("DependencyError: dependency auth unavailable");
    }
    expect(await trial).toBeInstanceOf(DependencyError);
    expect(upstream.hits).toHaveLength(4);
    expect(c.breakerState()).toBe("open");
  });

  test("an attempt whose failure opened it is not retried into it: the call fails at once", async () => {
    upstream.behave(reply(503, {}, { "retry-after": "1" }));
    const c = client({
      retry: { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 1_000 },
      breaker: { consecutiveFailures: 1, halfOpenAfterMs: 5_000 },
    });
    const started = performance.now();
    const error = (await failureOf(get(c))) as DependencyError;
    // A retry would have waited for the upstream's Retry-After, a second, to be refused.
    expect(performance.now() - started).toBeLessThan(500);
    expect(upstream.hits).toHaveLength(1);
    expect(error).toBeInstanceOf(DependencyError);
    expect(error.retryAfterSeconds).toBe(5);
  });

  test("upstream 4xx are answers, not failures: they never open it", async () => {
    upstream.behave(reply(401, { errorCode: "AUTH_REQUIRED" }));
    const c = client();
    for (let i = 0; i < 6; i += 1) await failureOf(get(c));
    expect(c.breakerState()).toBe("closed");
    expect(upstream.hits).toHaveLength(6);
  });

  test("2xx answers no caller can use count as failures: not JSON, or refused by `usable`", async () => {
    upstream.behave(reply(200, "<html>a proxy's page</html>"));
    const c = client();
    const getJson = (usable?: (body: unknown) => unknown) =>
      c.requestJson({ method: "GET", path: "/", deadline: createDeadline(10_000), usable });
    expect(await failureOf(getJson())).toBeInstanceOf(DependencyError);
    upstream.behave(reply(200, { allowed: "maybe" }));
    const decision = (body: unknown) =>
      typeof (body as { allowed?: unknown })?.allowed === "boolean" ? body : undefined;
    expect(await failureOf(getJson(decision))).toBeInstanceOf(DependencyError);
    expect(c.breakerState()).toBe("closed");
    await failureOf(getJson(decision));
    expect(c.breakerState()).toBe("open");
    expect(upstream.hits).toHaveLength(3);
  });

  test("every failed attempt of a retried call counts", async () => {
    const c = client({ retry: { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 5 } });
    const error = await failureOf(get(c));
    expect(error).toBeInstanceOf(DependencyError);
    expect(upstream.hits).toHaveLength(3);
    expect(c.breakerState()).toBe("open");
  });

  test("a state change is logged: warn when it opens, info when it half-opens and closes", async () => {
    const lines: { level: string; event: string; fields?: Record<string, unknown> }[] = [];
    const logger = {
      info: (event: string, fields?: Record<string, unknown>) =>
        lines.push({ level: "info", event, fields }),
      warn: (event: string, fields?: Record<string, unknown>) =>
        lines.push({ level: "warn", event, fields }),
    };
    const c = client({ logger });
    await openBreaker(c);
    upstream.behave(reply(200, {}));
    await new Promise((resolve) => setTimeout(resolve, 500));
    await get(c);
    expect(lines).toEqual([
      {
        level: "warn",
        event: "dependency.breaker.state_change",
        fields: { dependency: "auth", from: "closed", to: "open" },
      },
      {
        level: "info",
        event: "dependency.breaker.state_change",
        fields: { dependency: "auth", from: "open", to: "half-open" },
      },
      {
        level: "info",
        event: "dependency.breaker.state_change",
        fields: { dependency: "auth", from: "half-open", to: "closed" },
      },
    ]);
  });

  test("a failure rate over a window can open it instead (sampling)", async () => {
    // 0.5 calls per second over 10 s: five calls are enough to judge the rate.
    const sampling = { threshold: 0.5, durationMs: 10_000, minimumRps: 0.5 };
    const c = client({ breaker: { sampling, halfOpenAfterMs: 10_000 } });
    for (let i = 0; i < 4; i += 1) await failureOf(get(c));
    expect(c.breakerState()).toBe("closed");
    await failureOf(get(c));
    expect(c.breakerState()).toBe("open");
    expect(upstream.hits).toHaveLength(5);
  });
});
