import { DependencyError } from "@tracemesh/errors";
import { afterAll, beforeAll, expect, test } from "vitest";
import { openPostgresTestDatabase, TEST_DATABASE_URL, type TestDatabase } from "../test-utils.ts";
import { loadMigrations, runMigrations } from "./migrate.ts";
import { createPgClient } from "./pg-client.ts";

let database: TestDatabase & { schema: string };
beforeAll(async () => {
  database = await openPostgresTestDatabase({ statementTimeoutMs: 200 });
});
afterAll(() => database?.dispose());

test("a statement past statement_timeout is DependencyError, not a hang", async () => {
  const started = performance.now();
  const error = await database.client.query("SELECT pg_sleep(5)").catch((e: unknown) => e);
  expect(error).toBeInstanceOf(DependencyError);
  expect(performance.now() - started).toBeLessThan(1500);
  await expect(database.client.ping()).resolves.toBeUndefined();
});

test("concurrent starts migrate once and corrupt nothing", async () => {
  const fresh = await openPostgresTestDatabase();
  await fresh.client.query("DROP TABLE todos, schema_migrations");
  const starters = Array.from({ length: 4 }, () =>
    createPgClient({ connectionString: TEST_DATABASE_URL, schema: fresh.schema }),
  );
  try {
    const applied = await Promise.all(starters.map((starter) => runMigrations(starter)));
    const all = (await loadMigrations()).map((migration) => migration.name);
    expect(applied.flat().sort()).toEqual(all);
    const rows = await fresh.client.query("SELECT name FROM schema_migrations");
    expect(rows.rowCount).toBe(all.length);
  } finally {
    await Promise.all(starters.map((starter) => starter.close()));
    await fresh.dispose();
  }
});
