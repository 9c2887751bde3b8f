import { freePort } from "@tracemesh/testing";
import { afterAll, afterEach, beforeAll, expect, test } from "vitest";
import {
  delayed,
  failWith,
  hang,
  passThrough,
  startTestAuth,
  type TestAuth,
} from "../test-auth-server.ts";
import {
  expectContractError,
  openTestApp,
  type TestApp,
  type TestAppOptions,
  withBearer,
} from "../test-utils.ts";

let auth: TestAuth;
let token: string;
let bobToken: string;
const apps: TestApp[] = [];
beforeAll(async () => {
  auth = await startTestAuth();
  [token, bobToken] = await Promise.all([auth.login("alice"), auth.login("bob")]);
});
afterEach(() => {
  auth.behave(passThrough);
  auth.hits.length = 0;
});
afterAll(() => Promise.all([...apps.map((app) => app.database.dispose()), auth?.close()]));

/** An app of its own (breaker and bulkhead are per client), without degraded reads. */
async function appWith(options: TestAppOptions = {}): Promise<TestApp> {
  const app = await openTestApp({
    decisionCacheTtlMs: 0,
    ...options,
    auth: { url: auth.url, retry: { maxAttempts: 1 }, ...options.auth },
  });
  apps.push(app);
  return app;
}

async function timed(
  app: TestApp,
  init: RequestInit = {},
  as = token,
): Promise<[Response, number]> {
  const started = performance.now();
  const response = await app.app.request("/v1/todos", withBearer(as, init));
  return [response, performance.now() - started];
}

async function expectAuthUnavailable(response: Response): Promise<void> {
  const error = await expectContractError(response, 503, "SERVICE_UNAVAILABLE");
  expect(error).toMatchObject({ retryable: true, details: [{ type: "dependency", name: "auth" }] });
  expect(response.headers.get("Retry-After")).toMatch(/^[1-9][0-9]*$/);
  expect(response.headers.get("X-Degraded")).toBeNull();
}

test("auth answering 5xx is 503 auth, after the retries an idempotent check allows", async () => {
  const t = await appWith({ auth: { retry: { maxAttempts: 3, initialDelayMs: 10 } } });
  auth.behave(failWith(500));
  const [response] = await timed(t);
  const text = await response.clone().text();
  await expectAuthUnavailable(response);
  expect(auth.hits).toHaveLength(3);
  // Nothing about where auth lives reaches the client.
  expect(text).not.toContain(new URL(auth.url).port);
  expect(text).not.toMatch(/127\.0\.0\.1|authorize/);
});

test("auth not listening is 503 auth at once", async () => {
  const t = await appWith({ auth: { url: `http://127.0.0.1:${await freePort()}` } });
  const [response, elapsed] = await timed(t);
  await expectAuthUnavailable(response);
  expect(elapsed).toBeLessThan(1_000);
});

test("a 2xx without a usable decision is no decision: 503 auth", async () => {
  const t = await appWith();
  auth.behave(() => Response.json({ allow: true }));
  await expectAuthUnavailable((await timed(t))[0]);
});

test("auth that never answers: 503 within REQUEST_BUDGET_MS, and auth was told less", async () => {
  const t = await appWith({ requestBudgetMs: 500, auth: { timeouts: { attemptMs: 5_000 } } });
  auth.behave(hang);
  const [response, elapsed] = await timed(t);
  await expectAuthUnavailable(response);
  expect(elapsed).toBeGreaterThanOrEqual(400);
  // Ended by the budget, not by the 5 s attempt timeout (the margin is for a loaded machine).
  expect(elapsed).toBeLessThan(2_000);
  const told = Number(auth.hits[0]?.headers.get("x-request-timeout-ms"));
  expect(told).toBeGreaterThan(0);
  expect(told).toBeLessThan(500);

  // A caller with less time left shortens the whole chain.
  const [shortened, shortElapsed] = await timed(t, { headers: { "X-Request-Timeout-Ms": "250" } });
  await expectAuthUnavailable(shortened);
  expect(shortElapsed).toBeLessThan(500);
  expect(Number(auth.hits[1]?.headers.get("x-request-timeout-ms"))).toBeLessThanOrEqual(200);
});

test("the breaker opens after repeated failures, answers at once while open, then half-opens and closes", async () => {
  const t = await appWith({ auth: { breaker: { consecutiveFailures: 3, halfOpenAfterMs: 400 } } });
  auth.behave(failWith(503));
  for (let i = 0; i < 3; i++) await expectAuthUnavailable((await timed(t))[0]);
  expect(auth.hits).toHaveLength(3);

  for (let i = 0; i < 5; i++) {
    const [response, elapsed] = await timed(t);
    await expectAuthUnavailable(response);
    expect(elapsed).toBeLessThan(100);
  }
  // None of those reached auth.
  expect(auth.hits).toHaveLength(3);

  auth.behave(passThrough);
  await new Promise((resolve) => setTimeout(resolve, 450));
  expect((await timed(t))[0].status).toBe(200);
  for (let i = 0; i < 3; i++) expect((await timed(t))[0].status).toBe(200);
  expect(auth.hits).toHaveLength(7);

  const changes = (await t.logLines())
    .filter((line) => line.event === "dependency.breaker.state_change")
    .map((line) => line.to);
  expect(changes).toEqual(["open", "half-open", "closed"]);
});

test("a full bulkhead is 503 at once, not a growing queue", async () => {
  const t = await appWith({ auth: { bulkhead: { limit: 1, queue: 1 } } });
  auth.behave(delayed(400));
  const outcomes = await Promise.all([timed(t), timed(t), timed(t)]);
  const statuses = outcomes.map(([response]) => response.status).sort();
  expect(statuses).toEqual([200, 200, 503]);
  const [rejected, rejectedAfter] = outcomes.find(([response]) => response.status === 503) ?? [];
  await expectAuthUnavailable(rejected as Response);
  expect(rejectedAfter).toBeLessThan(100);
  expect(auth.hits.length).toBeLessThanOrEqual(2);
  // Once the slot is free again, calls go through.
  expect((await timed(t))[0].status).toBe(200);
});

test("impatient callers cannot open the breaker everyone shares: auth answering in 150 ms stays closed", async () => {
  const t = await appWith({
    auth: { breaker: { consecutiveFailures: 5, halfOpenAfterMs: 10_000 } },
  });
  auth.behave(delayed(150));
  const impatient = { headers: { "X-Request-Timeout-Ms": "150" } };
  for (let i = 0; i < 5; i++) await expectAuthUnavailable((await timed(t, impatient))[0]);
  expect(auth.hits).toHaveLength(5);
  // Another user, with the whole budget, is answered by the same slow but healthy auth.
  const [response] = await timed(t, {}, bobToken);
  expect(response.status).toBe(200);
  expect(auth.hits).toHaveLength(6);
  const changes = (await t.logLines()).filter(
    (line) => line.event === "dependency.breaker.state_change",
  );
  expect(changes).toEqual([]);
});

test("X-Request-Timeout-Ms: 0 leaves no time to ask auth: 503 at once, auth never called", async () => {
  const t = await appWith();
  const [response, elapsed] = await timed(t, { headers: { "X-Request-Timeout-Ms": "0" } });
  await expectAuthUnavailable(response);
  expect(elapsed).toBeLessThan(200);
  expect(auth.hits).toHaveLength(0);
});
