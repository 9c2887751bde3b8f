import { freePort } from "@tracemesh/testing";
import { afterAll, beforeAll, expect, test } from "vitest";
import { createPgClient } from "../storage/pg-client.ts";
import type { SqlClient } from "../storage/sql-client.ts";
import { createTodoStore } from "../storage/todo-store.ts";
import { startTestAuth, type TestAuth } from "../test-auth-server.ts";
import { expectContractError, openTestApp, type TestApp, withBearer } from "../test-utils.ts";

let up: TestApp;
let down: TestApp;
let unreachable: SqlClient;
let auth: TestAuth;
beforeAll(async () => {
  up = await openTestApp();
  auth = await startTestAuth();
  unreachable = createPgClient({
    connectionString: `postgres://postgres@127.0.0.1:${await freePort()}/test`,
  });
  down = await openTestApp({
    database: unreachable,
    store: createTodoStore(unreachable),
    auth: { url: auth.url },
  });
});
afterAll(async () => {
  await unreachable?.close();
  await Promise.all([up?.database.dispose(), down?.database.dispose(), auth?.close()]);
});

test("/health/live answers 200 while the process runs", async () => {
  const response = await down.app.request("/health/live");
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ status: "ok" });
  expect(response.headers.get("traceresponse")).toBeTruthy();
  expect(response.headers.get("X-Request-Id")).toBeTruthy();
});

test("/health/ready is 200 when the database answers", async () => {
  const response = await up.app.request("/health/ready");
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ status: "ok", checks: { database: "ok" } });
});

test("/health/ready is 503 SERVICE_UNAVAILABLE in the contract when the database is down", async () => {
  const response = await down.app.request("/health/ready");
  const error = await expectContractError(response, 503, "SERVICE_UNAVAILABLE");
  expect(error).toMatchObject({
    retryable: true,
    details: [{ type: "dependency", name: "database" }],
  });
  expect(response.headers.get("Retry-After")).toMatch(/^[1-9][0-9]*$/);
  // Nothing about where the database lives reaches the client.
  expect(JSON.stringify(error)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|postgres:/);
});

test("any route needing the database answers 503 while it is down, never 500", async () => {
  const token = await auth.login("alice");
  const started = performance.now();
  const response = await down.app.request("/v1/todos", withBearer(token));
  const error = await expectContractError(response, 503, "SERVICE_UNAVAILABLE");
  expect(error.details).toEqual([{ type: "dependency", name: "database" }]);
  expect(performance.now() - started).toBeLessThan(1000);
  const lines = await down.logLines();
  expect(lines.at(-1)).toMatchObject({ errorCode: "SERVICE_UNAVAILABLE", http: { status: 503 } });
});

test("/health/ready reports NATS but stays 200 without it: the outbox absorbs the outage", async () => {
  let connected = false;
  const withNats = await openTestApp({ natsConnected: () => connected });
  try {
    const away = await withNats.app.request("/health/ready");
    expect(away.status).toBe(200);
    expect(await away.json()).toEqual({
      status: "ok",
      checks: { database: "ok", nats: "unavailable" },
    });
    connected = true;
    const back = await withNats.app.request("/health/ready");
    expect(await back.json()).toEqual({ status: "ok", checks: { database: "ok", nats: "ok" } });
  } finally {
    await withNats.database.dispose();
  }
});
