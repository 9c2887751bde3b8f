import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { waitFor } from "@tracemesh/testing";
import { afterAll, beforeAll, expect, test } from "vitest";
import { DataDirLockedError } from "./data-dir-lock.ts";
import { runMigrations } from "./migrate.ts";
import { createSqlOutboxSource } from "./outbox.ts";
import { createPgliteClient } from "./pglite-client.ts";
import type { SqlClient } from "./sql-client.ts";
import { OWNER } from "./test-utils.ts";

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "todo-api-pglite-"));
});
afterAll(() => rm(root, { recursive: true, force: true }));

test("a data directory keeps its rows across restarts and refuses a second process", async () => {
  const dataDir = join(root, "db");
  const first = await createPgliteClient({ dataDir });
  await runMigrations(first);
  await first.query("INSERT INTO todos (owner_id, title) VALUES ($1, $2)", [
    "0b6f3c1e-6a0e-4b8e-9d1a-3f2a4c5b6d01",
    "survives a restart",
  ]);
  await expect(createPgliteClient({ dataDir })).rejects.toBeInstanceOf(DataDirLockedError);
  await first.close();

  const second = await createPgliteClient({ dataDir });
  expect(await runMigrations(second)).toEqual([]);
  const rows = await second.query<{ title: string }>("SELECT title FROM todos");
  expect(rows.rows).toEqual([{ title: "survives a restart" }]);
  await second.close();
}, 60_000);

const LIST_PLAN =
  "EXPLAIN SELECT * FROM todos WHERE owner_id = $1 ORDER BY created_at, id LIMIT 21";
const INSERT_2000 = `INSERT INTO todos (owner_id, title)
  SELECT $1, 'todo ' || n FROM generate_series(1, 2000) AS n`;

async function listPlan(client: SqlClient): Promise<string> {
  const result = await client.query<{ "QUERY PLAN": string }>(LIST_PLAN, [OWNER]);
  return result.rows.map((row) => row["QUERY PLAN"]).join("\n");
}

// Never analyzed, the planner takes the owner for a handful of rows: a bitmap scan of all 2,000,
// then a sort. Analyzed, the index gives the first page and nothing is sorted.
async function expectIndexedListing(client: SqlClient): Promise<void> {
  await waitFor(
    async () => /Index Scan using todos_owner_created_at_id_idx/.test(await listPlan(client)),
    "an index scan",
  );
  expect(await listPlan(client)).not.toMatch(/Sort/);
}

test("analyzes a table once enough of it changed: the first page of a long list comes from the index", async () => {
  const client = await createPgliteClient({ dataDir: "memory://" });
  try {
    await runMigrations(client);
    await client.query(INSERT_2000, [OWNER]);
    await expectIndexedListing(client);
  } finally {
    await client.close();
  }
}, 60_000);

test("a transaction's writes are analyzed after its commit, and closing with one due succeeds", async () => {
  const client = await createPgliteClient({ dataDir: "memory://" });
  try {
    await runMigrations(client);
    await client.transaction(async (tx) => {
      await tx.query(INSERT_2000, [OWNER]);
      await tx.query("INSERT INTO todos (owner_id, title) VALUES ($1, $2)", [OWNER, "one more"]);
    });
    await expectIndexedListing(client);
    await client.query(INSERT_2000, [OWNER]);
  } finally {
    await client.close();
  }
}, 60_000);

test("a data directory whose tables were never analyzed has them analyzed when it opens", async () => {
  const dataDir = join(root, "never-analyzed");
  const migrated = await createPgliteClient({ dataDir });
  await runMigrations(migrated);
  await migrated.close();
  // As a todo-api before this client left it: rows, and no statistics.
  const raw = await PGlite.create(dataDir);
  await raw.query(INSERT_2000, [OWNER]);
  await raw.close();

  const client = await createPgliteClient({ dataDir });
  try {
    await expectIndexedListing(client);
  } finally {
    await client.close();
  }
}, 60_000);

// 100 events of ~300 bytes, as todo-api writes them, then claimed, published and pruned.
const OUTBOX_100 = `INSERT INTO outbox (id, subject, event)
  SELECT gen_random_uuid(), 'todo.events.created', jsonb_build_object('title', repeat('x', 300))
    FROM generate_series(1, 100)`;

async function outboxBytes(client: SqlClient): Promise<number> {
  const result = await client.query<{ bytes: number }>(
    "SELECT pg_total_relation_size('outbox')::float8 AS bytes",
  );
  return result.rows[0]?.bytes ?? Number.NaN;
}

test("vacuums a table once enough of its rows are dead: an outbox that holds none stays small", async () => {
  const client = await createPgliteClient({ dataDir: "memory://" });
  try {
    await runMigrations(client);
    const outbox = createSqlOutboxSource(client);
    // Each event leaves three dead rows: claimed, marked published, pruned. Without VACUUM,
    // 3,000 events grew the empty table to some 3.6 MB.
    for (let round = 0; round < 30; round++) {
      await client.query(OUTBOX_100);
      const claimed = await outbox.claimPending(100);
      await outbox.markPublished(claimed.map((record) => record.id));
      expect(await outbox.prunePublished(0)).toBe(100);
    }
    await waitFor(async () => (await outboxBytes(client)) < 512 * 1024, "an outbox under 512 KiB");
  } finally {
    await client.close();
  }
}, 60_000);
