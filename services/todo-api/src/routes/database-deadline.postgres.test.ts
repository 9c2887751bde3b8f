import { afterAll, beforeAll, expect, test } from "vitest";
import { createTodoStore } from "../storage/todo-store.ts";
import {
  expectContractError,
  jsonRequest,
  openPostgresTestDatabase,
  type TestDatabase,
} from "../test-utils.ts";
import { openSignedInApp, type SignedInApp } from "./test-utils.ts";

// The request's budget reaching PostgreSQL through the real app: one pooled connection, so the
// request after a cancelled statement runs on the very connection that statement ran on.

let database: TestDatabase & { schema: string };
let t: SignedInApp;
beforeAll(async () => {
  database = await openPostgresTestDatabase({ maxConnections: 1 });
  t = await openSignedInApp({ database: database.client, store: createTodoStore(database.client) });
});
afterAll(async () => {
  await t?.close();
  await database?.dispose();
});

async function backendPid(): Promise<number | undefined> {
  const result = await database.client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
  return result.rows[0]?.pid;
}

test("an INSERT that sleeps past the budget is 503 naming the database within it; the next request on the same pool works", async () => {
  // A real pg_sleep inside the store's own statement: each new todo takes 5 s to insert.
  await database.client.exec(`
    CREATE FUNCTION slow_insert() RETURNS trigger LANGUAGE plpgsql
      AS $$ BEGIN PERFORM pg_sleep(5); RETURN NEW; END $$;
    CREATE TRIGGER slow_insert BEFORE INSERT ON todos FOR EACH ROW EXECUTE FUNCTION slow_insert();
  `);
  const pid = await backendPid();
  const budgetMs = 800;
  const started = performance.now();
  const response = await t.asAlice(
    "/v1/todos",
    jsonRequest("POST", { title: "too slow" }, { "X-Request-Timeout-Ms": String(budgetMs) }),
  );
  const elapsed = performance.now() - started;
  const body = await expectContractError(response, 503, "SERVICE_UNAVAILABLE");
  expect(body.details).toEqual([{ type: "dependency", name: "database" }]);
  expect(elapsed).toBeLessThan(budgetMs);

  await database.client.exec("DROP TRIGGER slow_insert ON todos");
  expect(await backendPid()).toBe(pid);
  const created = await t.asAlice("/v1/todos", jsonRequest("POST", { title: "in time" }));
  expect(created.status).toBe(201);
  // Nothing of the cancelled request was kept: its transaction was rolled back.
  expect((await t.listTodos()).map((todo) => todo.title)).toEqual(["in time"]);
});
