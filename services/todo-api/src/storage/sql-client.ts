import type { Deadline } from "@tracemesh/resilience";

/** A row as the driver returns it: column name → parsed value. */
export type SqlRow = Record<string, unknown>;

export interface SqlResult<Row extends SqlRow = SqlRow> {
  rows: Row[];
  /** Rows inserted, updated or deleted (or returned, for SELECT). */
  rowCount: number;
}

/** What a query can run on: the client itself or an open transaction. */
export interface SqlExecutor {
  /** One parameterized statement (`$1`, `$2`…). */
  query<Row extends SqlRow = SqlRow>(text: string, params?: unknown[]): Promise<SqlResult<Row>>;
  /** A script of several statements, without parameters (migrations). */
  exec(script: string): Promise<void>;
}

/** What bounds the statements of one call: a request's budget reaches the database. */
export interface StatementOptions {
  /**
   * The deadline of the work the statements are for (`c.var.deadline`): they get what is left
   * of it, minus a margin for the answer, and fail with `DependencyError` ("database") rather
   * than outlive it. @default none: only the client's own statement timeout
   */
  deadline?: Deadline;
}

/**
 * The database as the service sees it, the same for PostgreSQL (`pg`) and embedded PGlite.
 * Every failure to reach the database surfaces as a `DependencyError` ("database").
 */
export interface SqlClient extends SqlExecutor {
  /** One statement, within `options.deadline` when given. */
  query<Row extends SqlRow = SqlRow>(
    text: string,
    params?: unknown[],
    options?: StatementOptions,
  ): Promise<SqlResult<Row>>;
  /**
   * Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. With
   * `options.deadline`, every statement of `fn` is bounded by it, and the transaction is rolled
   * back, never committed, once the deadline has been answered.
   */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>, options?: StatementOptions): Promise<T>;
  /** Resolves when the database answers a trivial query; throws `DependencyError` otherwise. */
  ping(options?: StatementOptions): Promise<void>;
  /**
   * Calls `onNotification` for each NOTIFY on `channel` (a plain identifier), on a session of
   * its own; resolves once listening, to a function that stops it. A lost session is listened
   * on again: a notification sent meanwhile is lost, so a listener must not rely on every one.
   */
  listen(channel: string, onNotification: () => void): Promise<() => Promise<void>>;
  /** Releases connections (or closes the embedded database); idempotent. */
  close(): Promise<void>;
}
