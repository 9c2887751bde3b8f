import type { PGlite } from "@electric-sql/pglite";
import { isPlainName, type QuerySummary } from "./query-summary.ts";
import { createStaleStatistics } from "./stale-statistics.ts";

/** autovacuum's analyze, for a PGlite database, which has none. */
export interface TableAnalysis {
  /** After each statement: counts the rows it wrote, and queues the analysis of a table now due. */
  written(summary: QuerySummary, rowCount: number): void;
  /** Resolves once the analyses queued so far are done (or failed). */
  settled(): Promise<void>;
}

/**
 * Analyzes a table once enough of its rows changed (stale-statistics.ts), behind whatever holds
 * PGlite's one connection, so a transaction's writes are analyzed after its commit; no span, as
 * it is no caller's work. One analysis at a time, on a small sample (statistics target 10): it
 * is plenty for these plans and keeps the pause short, since PGlite runs in this thread (ANALYZE
 * of 220,000 todos took 12 ms so, 66–87 ms at the default target of 100).
 *
 * On start, what earlier runs analyzed sets each table's threshold, and a table never analyzed
 * (written by a version before this one) is analyzed before its first page is read.
 */
export async function startTableAnalysis(db: PGlite): Promise<TableAnalysis> {
  const statistics = createStaleStatistics();
  let analyzing: Promise<void> = Promise.resolve();

  async function analyze(table: string): Promise<void> {
    let rows: number | undefined;
    try {
      if (db.closed) return;
      // A plain name (isPlainName), looked up on the search path like the statement that wrote.
      await db.exec(
        `SET default_statistics_target = 10; ANALYZE ${table}; RESET default_statistics_target`,
      );
      const found = await db.query<{ rows: number }>(
        "SELECT reltuples::float8 AS rows FROM pg_class WHERE oid = $1::regclass",
        [table],
      );
      rows = Math.max(found.rows[0]?.rows ?? 0, 0);
    } finally {
      statistics.analyzed(table, rows);
    }
  }

  function queueAnalysis(table: string): void {
    // A failed analysis leaves the statistics as they were, until the table is due again.
    analyzing = analyzing.then(() => analyze(table)).catch(() => {});
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
    if (rows >= 0) statistics.analyzed(name, rows);
    else if (isPlainName(name)) queueAnalysis(name);
  }

  return {
    written(summary, rowCount) {
      const table = statistics.written(summary, rowCount);
      if (table !== undefined) queueAnalysis(table);
    },
    settled: () => analyzing,
  };
}
