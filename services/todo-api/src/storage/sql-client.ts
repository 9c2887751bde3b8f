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

/**
 * The database as the service sees it, the same for PostgreSQL (`pg`) and embedded PGlite.
 * Every failure to reach the database surfaces as a `DependencyError` ("database").
 */
export interface SqlClient extends SqlExecutor {
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** Resolves when the database answers a trivial query; throws `DependencyError` otherwise. */
  ping(): Promise<void>;
  /** Releases connections (or closes the embedded database); idempotent. */
  close(): Promise<void>;
}
