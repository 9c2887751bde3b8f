import { DependencyError } from "@tracemesh/errors";
import { createDeadline, type Deadline } from "@tracemesh/resilience";
import pg from "pg";
import { afterAll, beforeAll, expect, test } from "vitest";
import { openPostgresTestDatabase, TEST_DATABASE_URL, type TestDatabase } from "../test-utils.ts";
import { QUERY_CANCELED, sqlStateOf } from "./database-errors.ts";
import { loadMigrations, runMigrations } from "./migrate.ts";
import { createPgClient } from "./pg-client.ts";
import type { SqlClient } from "./sql-client.ts";

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

async function backendPid(client: SqlClient): Promise<number | undefined> {
  const result = await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
  return result.rows[0]?.pid;
}

test("a pg_sleep past the deadline is cancelled by PostgreSQL within it, and its connection serves the next", async () => {
  const single = createPgClient({
    connectionString: TEST_DATABASE_URL,
    schema: database.schema,
    maxConnections: 1,
  });
  try {
    const before = await backendPid(single);
    for (const run of [
      (deadline: Deadline) => single.query("SELECT pg_sleep(5)", [], { deadline }),
      // In a transaction too: after a quick statement, under the limit set with BEGIN...
      (deadline: Deadline) =>
        single.transaction(
          async (tx) => {
            await tx.query("SELECT 1");
            await tx.query("SELECT pg_sleep(5)");
          },
          { deadline },
        ),
      // ...and after one that took part of the time, which that limit would let run past it.
      (deadline: Deadline) =>
        single.transaction(
          async (tx) => {
            await tx.query("SELECT pg_sleep(0.2)");
            await tx.query("SELECT pg_sleep(5)");
          },
          { deadline },
        ),
    ]) {
      const started = performance.now();
      const error = await run(createDeadline(500)).catch((e: unknown) => e);
      const elapsed = performance.now() - started;
      expect(error).toBeInstanceOf(DependencyError);
      expect((error as DependencyError).details).toEqual([
        { type: "dependency", name: "database" },
      ]);
      expect((error as DependencyError).deadlineExceeded).toBe(true);
      expect(sqlStateOf((error as DependencyError).cause)).toBe(QUERY_CANCELED);
      expect(elapsed).toBeGreaterThanOrEqual(350);
      expect(elapsed).toBeLessThan(500);
      // The same backend answers: the connection was rolled back and reused, not broken.
      expect(await backendPid(single)).toBe(before);
    }
    // And a later statement is not held to that short timeout (SET LOCAL ended with it).
    const slowEnough = await single.query("SELECT pg_sleep(0.5) AS slept");
    expect(slowEnough.rowCount).toBe(1);
  } finally {
    await single.close();
  }
});

test.each([
  [
    "a statement",
    (deadline: Deadline) => database.client.query("SELECT pg_sleep(5)", [], { deadline }),
  ],
  // It keeps the limit set with BEGIN: the next test shows no SET of its own goes out.
  [
    "a transaction's second statement",
    (deadline: Deadline) =>
      database.client.transaction(
        async (tx) => {
          await tx.query("SELECT 1");
          await tx.query("SELECT pg_sleep(5)");
        },
        { deadline },
      ),
  ],
])(
  "a deadline never lengthens the configured statement_timeout for %s, which still blames the database",
  async (_, run) => {
    const started = performance.now();
    const error = await run(createDeadline(3_000)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DependencyError);
    expect((error as DependencyError).deadlineExceeded).toBe(false);
    expect(sqlStateOf((error as DependencyError).cause)).toBe(QUERY_CANCELED);
    expect(performance.now() - started).toBeLessThan(1500);
  },
);

/** The text of every statement `pg` sends while `run` runs. */
async function statementsSent(run: () => Promise<unknown>): Promise<string[]> {
  const sent: string[] = [];
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const [config] = args;
    sent.push(typeof config === "string" ? config : (config as { text: string }).text);
    return (query as (...queryArgs: unknown[]) => unknown).apply(this, args);
  } as typeof query;
  try {
    await run();
  } finally {
    pg.Client.prototype.query = query;
  }
  return sent.map((text) => text.replace(/statement_timeout = \d+/, "statement_timeout = N"));
}

test("a later statement sets its own limit only when the one in force would be too long", async () => {
  const boundByDeadline = createPgClient({
    connectionString: TEST_DATABASE_URL,
    schema: database.schema,
    statementTimeoutMs: 5_000,
  });
  try {
    // The ceiling (200 ms here) bounds every statement: the limit set with BEGIN stays right.
    expect(
      await statementsSent(() =>
        database.client.transaction(
          async (tx) => {
            await tx.query("SELECT 1");
            await tx.query("SELECT pg_sleep(0.05)");
            await tx.query("SELECT 2");
          },
          { deadline: createDeadline(3_000) },
        ),
      ),
    ).toEqual([
      "BEGIN; SET LOCAL statement_timeout = N",
      "SELECT 1",
      "SELECT pg_sleep(0.05)",
      "SELECT 2",
      "COMMIT",
    ]);
    // The deadline bounds them, and 50 ms went by: the next statement gets a shorter limit.
    expect(
      await statementsSent(() =>
        boundByDeadline.transaction(
          async (tx) => {
            await tx.query("SELECT pg_sleep(0.05)");
            await tx.query("SELECT 1");
          },
          { deadline: createDeadline(1_000) },
        ),
      ),
    ).toEqual([
      "BEGIN; SET LOCAL statement_timeout = N",
      "SELECT pg_sleep(0.05)",
      "SET LOCAL statement_timeout = N",
      "SELECT 1",
      "COMMIT",
    ]);
  } finally {
    await boundByDeadline.close();
  }
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
