import type { QuerySummary } from "./query-summary.ts";

/**
 * One of autovacuum's rules: a table is due once more than `baseThreshold` rows plus
 * `scaleFactor` of the rows it held when last done were changed by the statements it counts.
 */
export interface AutovacuumRule {
  /** The statements (`summarizeQuery`'s operation) whose rows count. */
  operations: ReadonlySet<string>;
  baseThreshold: number;
  scaleFactor: number;
}

/** ANALYZE: 50 rows plus 10 % of the table inserted, updated or deleted. */
export const ANALYZE_RULE: AutovacuumRule = {
  operations: new Set(["INSERT", "UPDATE", "DELETE"]),
  baseThreshold: 50,
  scaleFactor: 0.1,
};

/** VACUUM: 50 rows plus 20 % of the table dead, each updated or deleted row leaving one. */
export const VACUUM_RULE: AutovacuumRule = {
  operations: new Set(["UPDATE", "DELETE"]),
  baseThreshold: 50,
  scaleFactor: 0.2,
};

/**
 * What autovacuum would know, for one of its rules, of a database that has none (PGlite:
 * PostgreSQL in one process, without its background workers): the rows written to each table
 * since the rule's work (ANALYZE or VACUUM) was last done on it.
 *
 * Coarser than autovacuum: a transaction that rolls back counts as if it had committed, and a
 * statement whose table `summarizeQuery` cannot name (one that starts with `WITH`, such as the
 * outbox relay's claim) counts for none.
 */
export interface AutovacuumCounter {
  /**
   * Counts the rows a statement (as `summarizeQuery` read it) wrote. Returns its table when
   * enough have changed since the rule's work was last done on it and none is already under
   * way; counting starts again.
   */
  written(summary: QuerySummary, rowCount: number): string | undefined;
  /**
   * Records that the work on a table ended: the rows it found, from which the next threshold
   * grows, or `undefined` when it failed (the last known count stays). The table may be due again.
   */
  done(table: string, rows: number | undefined): void;
}

export function createAutovacuumCounter(rule: AutovacuumRule): AutovacuumCounter {
  const changed = new Map<string, number>();
  const rowsWhenDone = new Map<string, number>();
  const underWay = new Set<string>();
  return {
    written({ operation, collection }, rowCount) {
      if (rowCount <= 0) return undefined;
      if (collection === undefined || operation === undefined) return undefined;
      if (!rule.operations.has(operation)) return undefined;
      const count = (changed.get(collection) ?? 0) + rowCount;
      const threshold = rule.baseThreshold + rule.scaleFactor * (rowsWhenDone.get(collection) ?? 0);
      if (count <= threshold || underWay.has(collection)) {
        changed.set(collection, count);
        return undefined;
      }
      changed.set(collection, 0);
      underWay.add(collection);
      return collection;
    },
    done(table, rows) {
      underWay.delete(table);
      if (rows !== undefined) rowsWhenDone.set(table, rows);
    },
  };
}
