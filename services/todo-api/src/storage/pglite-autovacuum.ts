import type { PGlite } from "@electric-sql/pglite";
import {
  ANALYZE_RULE,
  type AutovacuumCounter,
  createAutovacuumCounter,
  VACUUM_RULE,
} from "./autovacuum-counter.ts";
import { isPlainName, type QuerySummary } from "./query-summary.ts";

/** autovacuum, for a PGlite database, which has none. */
export interface Autovacuum {
  /** After each statement: counts the rows it wrote, and queues the work on a table now due. */
  written(summary: QuerySummary, rowCount: number): void;
  /** Resolves once the work queued so far is done (or failed). */
  settled(): Promise<void>;
}

/** A job that failed: the counts stay as they were, until the table is due again. */
export interface AutovacuumFailure {
  table: string;
  work: "analyze" | "vacuum";
  error: unknown;
}

/** One of autovacuum's two kinds of work, with what counts toward it. */
interface Job {
  work: AutovacuumFailure["work"];
  counter: AutovacuumCounter;
  /** The statement for a plain table name (isPlainName), found on the search path as written. */
  command(table: string): string;
}

/**
 * Analyzes and vacuums a table once enough of its rows changed (autovacuum-counter.ts), behind
 * whatever holds PGlite's one connection, so a transaction's writes are dealt with after its
 * commit; no span, as it is no caller's work. One job at a time, since PGlite runs in this thread
 * and each stops the service's event loop while it runs.
 *
 * - ANALYZE: a table never analyzed leaves the planner guessing that an owner has a handful of
 *   todos, so a listing reads every one of them and sorts, where the (owner_id, created_at, id)
 *   index would give the first page at once: 2.3 ms at 2,000 todos against 0.06 ms once
 *   analyzed. On a small sample (statistics target 10), plenty for these plans: ANALYZE of
 *   220,000 todos took 12 ms so, 66–87 ms at the default target of 100.
 * - VACUUM: every updated or deleted row leaves a dead one that only VACUUM makes room from.
 *   Without it the outbox, whose every event is claimed, marked published and pruned, grew by
 *   1.2 MB per 1,000 events while holding none. Its pause grows with the table: 14 ms at 20,000
 *   rows, 68 ms at 300,000.
 *
 * On start, each table's rows as last counted (reltuples, which ANALYZE and VACUUM set) set both
 * thresholds, and a table never analyzed (written by a version before analysis) is analyzed
 * before its first page is read. Dead rows left by an earlier run are not known until the first
 * vacuum: that one reclaims them.
 */
export async function startAutovacuum(
  db: PGlite,
  onFailure: (failure: AutovacuumFailure) => void = () => {},
): Promise<Autovacuum> {
  const analyze: Job = {
    work: "analyze",
    counter: createAutovacuumCounter(ANALYZE_RULE),
    command: (table) =>
      `SET default_statistics_target = 10; ANALYZE ${table}; RESET default_statistics_target`,
  };
  const vacuum: Job = {
    work: "vacuum",
    counter: createAutovacuumCounter(VACUUM_RULE),
    // Alone: VACUUM cannot run in the implicit transaction of a multi-statement string.
    command: (table) => `VACUUM ${table}`,
  };
  let working: Promise<void> = Promise.resolve();

  async function run(job: Job, table: string): Promise<void> {
    let rows: number | undefined;
    try {
      if (db.closed) return;
      await db.exec(job.command(table));
      const found = await db.query<{ rows: number }>(
        "SELECT reltuples::float8 AS rows FROM pg_class WHERE oid = $1::regclass",
        [table],
      );
      rows = Math.max(found.rows[0]?.rows ?? 0, 0);
    } finally {
      job.counter.done(table, rows);
    }
  }

  function queue(job: Job, table: string): void {
    working = working
      .then(() => run(job, table))
      .catch((error: unknown) => onFailure({ table, work: job.work, error }));
  }

  const tables = await db
    .query<{ name: string; rows: number }>(
      `SELECT c.relname AS name, c.reltuples::float8 AS rows
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind = 'r' AND n.nspname = current_schema()`,
    )
    .catch(() => ({ rows: [] }));
  for (const { name, rows } of tables.rows) {
    // reltuples is -1 for a table never analyzed.
    if (rows >= 0) {
      analyze.counter.done(name, rows);
      vacuum.counter.done(name, rows);
    } else if (isPlainName(name)) queue(analyze, name);
  }

  return {
    written(summary, rowCount) {
      for (const job of [analyze, vacuum]) {
        const table = job.counter.written(summary, rowCount);
        if (table !== undefined) queue(job, table);
      }
    },
    settled: () => working,
  };
}
