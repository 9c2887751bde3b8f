import { readdir, readFile } from "node:fs/promises";
import type { SqlClient } from "./sql-client.ts";

export interface Migration {
  /** File name, e.g. `0001_create_todos.sql`: applied in this order, recorded by it. */
  name: string;
  sql: string;
}

const MIGRATIONS_DIR = new URL("./migrations/", import.meta.url);

/** The service's migrations, read from `migrations/*.sql` in name order. */
export async function loadMigrations(dir: URL = MIGRATIONS_DIR): Promise<Migration[]> {
  const names = (await readdir(dir)).filter((name) => name.endsWith(".sql")).sort();
  return Promise.all(
    names.map(async (name) => ({ name, sql: await readFile(new URL(name, dir), "utf8") })),
  );
}

/**
 * Applies the migrations not yet recorded in `schema_migrations`, all in one transaction:
 * safe to run at every start. Concurrent starts queue on an advisory lock (one per schema)
 * instead of racing on CREATE TABLE; a failing migration leaves nothing behind.
 * Resolves to the names it applied.
 */
export async function runMigrations(
  client: SqlClient,
  migrations?: Migration[],
): Promise<string[]> {
  const pending = migrations ?? (await loadMigrations());
  return client.transaction(async (tx) => {
    await tx.query(
      "SELECT pg_advisory_xact_lock(hashtext(coalesce(current_schema(), '') || '.schema_migrations'))",
    );
    await tx.exec(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
        name text PRIMARY KEY,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`,
    );
    const done = await tx.query<{ name: string }>("SELECT name FROM schema_migrations");
    const applied = new Set(done.rows.map((row) => row.name));
    const names: string[] = [];
    for (const migration of pending) {
      if (applied.has(migration.name)) continue;
      await tx.exec(migration.sql);
      await tx.query("INSERT INTO schema_migrations (name) VALUES ($1)", [migration.name]);
      names.push(migration.name);
    }
    return names;
  });
}
