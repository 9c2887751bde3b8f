import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { DataDirLockedError } from "./data-dir-lock.ts";
import { runMigrations } from "./migrate.ts";
import { createPgliteClient } from "./pglite-client.ts";

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
