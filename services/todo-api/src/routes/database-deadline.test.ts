import { afterAll, beforeAll, expect, test } from "vitest";
import { holdTodos } from "../storage/test-utils.ts";
import { expectContractError } from "../test-utils.ts";
import { openSignedInApp, type SignedInApp } from "./test-utils.ts";

// PGlite cannot cancel a statement; the request's budget still bounds how long a request
// waits for its one connection (PostgreSQL: database-deadline.postgres.test.ts).

let t: SignedInApp;
beforeAll(async () => {
  t = await openSignedInApp();
});
afterAll(() => t?.close());

test("a request kept waiting for PGlite past its budget is 503 naming the database within it", async () => {
  const hold = await holdTodos(t.database.client, 2_000);
  const budgetMs = 600;
  const started = performance.now();
  const response = await t.asAlice("/v1/todos", {
    headers: { "X-Request-Timeout-Ms": String(budgetMs) },
  });
  const elapsed = performance.now() - started;
  const body = await expectContractError(response, 503, "SERVICE_UNAVAILABLE");
  expect(body.details).toEqual([{ type: "dependency", name: "database" }]);
  expect(elapsed).toBeLessThan(budgetMs);
  await hold.done;
  expect(await t.listTodos()).toEqual([]);
});
