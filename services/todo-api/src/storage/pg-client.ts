import pg from "pg";
import { callDatabase } from "./database-errors.ts";
import type { SqlClient, SqlExecutor, SqlResult, SqlRow } from "./sql-client.ts";

export interface PgClientOptions {
  connectionString: string;
  /** Schema searched first: isolates test runs, or a service sharing one database. */
  schema?: string;
  /** Time to get a connection before answering 503. @default 2000 */
  connectTimeoutMs?: number;
  /** Server-side statement_timeout; the client gives up one second later. @default 5000 */
  statementTimeoutMs?: number;
  /** @default 10 */
  maxConnections?: number;
  /** Errors of idle connections (e.g. PostgreSQL restarted): reported, never fatal. */
  onIdleError?: (error: Error) => void;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

function executorOf(client: pg.Pool | pg.PoolClient): SqlExecutor {
  return {
    async query<Row extends SqlRow>(text: string, params: unknown[] = []): Promise<SqlResult<Row>> {
      const result = await callDatabase(() => client.query<Row>(text, params));
      return { rows: result.rows, rowCount: result.rowCount ?? 0 };
    },
    async exec(script) {
      // Without values pg uses the simple query protocol, which accepts several statements.
      await callDatabase(() => client.query(script));
    },
  };
}

/** A `SqlClient` over a `pg` Pool; its queries are traced by the pg instrumentation. */
export function createPgClient(options: PgClientOptions): SqlClient {
  const {
    connectionString,
    schema,
    connectTimeoutMs = 2000,
    statementTimeoutMs = 5000,
    maxConnections = 10,
    onIdleError = () => {},
  } = options;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new TypeError(`invalid schema name: ${schema}`);
  }
  const pool = new pg.Pool({
    connectionString,
    max: maxConnections,
    connectionTimeoutMillis: connectTimeoutMs,
    statement_timeout: statementTimeoutMs,
    // Guards against a server that accepted the connection but stopped answering.
    query_timeout: statementTimeoutMs + 1000,
    idle_in_transaction_session_timeout: statementTimeoutMs * 2,
    application_name: "todo-api",
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  });
  pool.on("error", onIdleError);
  const executor = executorOf(pool);
  let ended: Promise<void> | undefined;

  return {
    ...executor,
    async transaction(fn) {
      const client = await callDatabase(() => pool.connect());
      let broken: Error | undefined;
      try {
        await executorOf(client).query("BEGIN");
        const result = await fn(executorOf(client));
        await executorOf(client).query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch((rollbackError: Error) => {
          broken = rollbackError;
        });
        throw error;
      } finally {
        // A connection whose rollback failed is in an unknown state: destroy it.
        client.release(broken);
      }
    },
    async ping() {
      await executor.query("SELECT 1");
    },
    close() {
      ended ??= pool.end();
      return ended;
    },
  };
}
