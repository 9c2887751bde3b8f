import { afterAll, afterEach, beforeAll, beforeEach, expect, test } from "vitest";
import type { TodoResource } from "../routes/todo-representation.ts";
import { failWith, passThrough, startTestAuth, type TestAuth } from "../test-auth-server.ts";
import {
  expectContractError,
  jsonRequest,
  openTestApp,
  type TestApp,
  withBearer,
} from "../test-utils.ts";

let auth: TestAuth;
let t: TestApp;
let alice: string;
let bob: string;
beforeAll(async () => {
  auth = await startTestAuth();
  [alice, bob] = await Promise.all([auth.login("alice"), auth.login("bob")]);
  // A breaker that stays closed: these tests are about the fallback, not about the breaker.
  t = await openTestApp({
    auth: { url: auth.url, retry: { maxAttempts: 1 }, breaker: { consecutiveFailures: 1_000 } },
  });
});
beforeEach(() => t.database.client.query("DELETE FROM todos"));
afterEach(() => auth.behave(passThrough));
afterAll(() => Promise.all([t?.database.dispose(), auth?.close()]));

function request(token: string, path: string, init: RequestInit = {}) {
  return t.app.request(path, withBearer(token, init));
}

async function create(title: string): Promise<TodoResource> {
  const response = await request(alice, "/v1/todos", jsonRequest("POST", { title }));
  return (await response.json()) as TodoResource;
}

async function expectAuthUnavailable(response: Response): Promise<void> {
  const error = await expectContractError(response, 503, "SERVICE_UNAVAILABLE");
  expect(error.details).toEqual([{ type: "dependency", name: "auth" }]);
  expect(response.headers.get("Retry-After")).toBeTruthy();
  expect(response.headers.get("X-Degraded")).toBeNull();
}

test("while auth is down, reads it allowed recently are served and marked degraded", async () => {
  const todo = await create("read before the outage");
  const list = await (await request(alice, "/v1/todos")).json();
  expect((await request(alice, `/v1/todos/${todo.id}`)).status).toBe(200);

  auth.behave(failWith(503));
  const degradedList = await request(alice, "/v1/todos");
  expect(degradedList.status).toBe(200);
  expect(degradedList.headers.get("X-Degraded")).toBe("auth");
  expect(await degradedList.json()).toEqual(list);
  const degradedOne = await request(alice, `/v1/todos/${todo.id}`);
  expect(degradedOne.status).toBe(200);
  expect(degradedOne.headers.get("X-Degraded")).toBe("auth");

  const traceId = degradedOne.headers.get("traceresponse")?.split("-")[1];
  const marked = (await t.logLines()).filter((line) => line.event === "authorization.degraded");
  expect(marked.at(-1)).toMatchObject({
    level: "warn",
    traceId,
    dependency: "auth",
    action: "todos:read",
    decisionAgeMs: expect.any(Number),
  });
  expect(JSON.stringify(marked)).not.toContain(alice);

  auth.behave(passThrough);
  const recovered = await request(alice, "/v1/todos");
  expect(recovered.status).toBe(200);
  expect(recovered.headers.get("X-Degraded")).toBeNull();
});

test("a degraded read that fails after authorization is marked too: its error says so", async () => {
  // A todo deleted after the read that auth allowed: the route's 404 is built by onError.
  const todo = await create("deleted during the outage");
  expect((await request(alice, `/v1/todos/${todo.id}`)).status).toBe(200);
  await t.database.client.query("DELETE FROM todos");

  auth.behave(failWith(503));
  const missing = await request(alice, `/v1/todos/${todo.id}`);
  await expectContractError(missing, 404, "RESOURCE_NOT_FOUND");
  expect(missing.headers.get("X-Degraded")).toBe("auth");
});

test("only the exact question answered before: another todo, another token are 503", async () => {
  const read = await create("read");
  const unread = await create("never read");
  await request(alice, `/v1/todos/${read.id}`);
  auth.behave(failWith(500));
  await expectAuthUnavailable(await request(alice, `/v1/todos/${unread.id}`));
  await expectAuthUnavailable(await request(bob, "/v1/todos"));
});

test("writes never fall back: 503, and nothing is stored, changed or deleted", async () => {
  const todo = await create("keep me");
  const path = `/v1/todos/${todo.id}`;
  // Every question a write would ask has had its "yes" as a read before: still no fallback.
  await request(alice, "/v1/todos");
  await request(alice, path);
  auth.behave(failWith(503));
  await expectAuthUnavailable(
    await request(alice, "/v1/todos", jsonRequest("POST", { title: "x" })),
  );
  await expectAuthUnavailable(
    await request(alice, path, jsonRequest("PATCH", { title: "changed", version: 1 })),
  );
  await expectAuthUnavailable(await request(alice, path, { method: "DELETE" }));
  const rows = await t.database.client.query("SELECT title, version FROM todos");
  expect(rows.rows).toEqual([{ title: "keep me", version: 1 }]);
});

test("never on 401 or 403: auth's refusal stands, and ends the fallback for that question", async () => {
  await request(alice, "/v1/todos");
  auth.behave(() =>
    Response.json(
      { errorCode: "AUTH_REQUIRED" },
      { status: 401, headers: { "WWW-Authenticate": "Bearer" } },
    ),
  );
  const refused = await request(alice, "/v1/todos");
  await expectContractError(refused, 401, "AUTH_REQUIRED");
  expect(refused.headers.get("X-Degraded")).toBeNull();
  auth.behave(failWith(503));
  await expectAuthUnavailable(await request(alice, "/v1/todos"));
});

test("a decision stands in only for DECISION_CACHE_TTL_SECONDS", async () => {
  const short = await openTestApp({
    auth: { url: auth.url, retry: { maxAttempts: 1 } },
    decisionCacheTtlMs: 300,
  });
  try {
    expect((await short.app.request("/v1/todos", withBearer(alice))).status).toBe(200);
    auth.behave(failWith(503));
    const degraded = await short.app.request("/v1/todos", withBearer(alice));
    expect(degraded.headers.get("X-Degraded")).toBe("auth");
    await new Promise((resolve) => setTimeout(resolve, 350));
    await expectAuthUnavailable(await short.app.request("/v1/todos", withBearer(alice)));
  } finally {
    await short.database.dispose();
  }
});
