import { DependencyError } from "@tracemesh/errors";
import type { Deadline } from "@tracemesh/resilience";
import pg from "pg";
import { callDatabase, isQueryCanceled } from "./database-errors.ts";
import { listenOnPg } from "./pg-listener.ts";
import type { SqlClient, SqlExecutor, SqlResult, SqlRow, StatementOptions } from "./sql-client.ts";
import {
  DEADLINE_MARGIN_MS,
  deadlinePassed,
  type StatementLimit,
  statementLimit,
  withinDeadline,
} from "./statement-deadline.ts";

export interface PgClientOptions {
  connectionString: string;
  /** Schema searched first: isolates test runs, or a service sharing one database. */
  schema?: string;
  /** Time to get a connection before answering 503. @default 2000 */
  connectTimeoutMs?: number;
  /**
   * Server-side statement_timeout, also the most a deadline may give one statement; the client
   * gives up one second later. @default 5000
   */
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

/**
 * How much longer than exact a statement's limit may be: a tenth of the deadline's margin, which
 * leaves PostgreSQL's cancellation well ahead of the client's giving up (a quarter of it).
 */
const LIMIT_SLACK_MS = DEADLINE_MARGIN_MS / 10;

/** A transaction's statements, and how the transaction begins. */
interface TransactionStatements {
  begin(): Promise<void>;
  executor: SqlExecutor;
}

/**
 * The statements of a transaction under `deadline`: each limited by `statement_timeout` to what
 * is left of it (at most `ceilingMs`), so that PostgreSQL itself cancels the statement (57014)
 * and the connection stays usable once the transaction is rolled back. The first statement's
 * limit goes out with BEGIN, in one round trip: a bounded read is three round trips, not four.
 * A later statement keeps the limit in force when it would be at most `LIMIT_SLACK_MS` shorter
 * (it follows a quick one): PostgreSQL then cancels it a few milliseconds later than an exact
 * limit would, still well within the margin, and a write of two statements takes four round
 * trips, not five.
 */
function boundedStatements(
  tx: SqlExecutor,
  deadline: Deadline,
  ceilingMs: number,
): TransactionStatements {
  let limitSetWithBegin: StatementLimit | undefined;
  // What this transaction last set: nothing else here sets statement_timeout or rolls back to a
  // savepoint, either of which would leave it stale.
  let limitInForceMs: number | undefined;
  const limitForNextStatement = async (): Promise<StatementLimit> => {
    const set = limitSetWithBegin;
    limitSetWithBegin = undefined;
    if (set !== undefined) return set;
    const limit = statementLimit(deadline, ceilingMs);
    if (limitInForceMs !== undefined && limitInForceMs - limit.ms <= LIMIT_SLACK_MS) return limit;
    // An integer of ours, never input: SET takes no parameters.
    await tx.query(`SET LOCAL statement_timeout = ${limit.ms}`);
    limitInForceMs = limit.ms;
    return limit;
  };
  return {
    async begin() {
      const limit = statementLimit(deadline, ceilingMs);
      // Without values pg sends both in one simple query.
      await tx.exec(`BEGIN; SET LOCAL statement_timeout = ${limit.ms}`);
      limitSetWithBegin = limit;
      limitInForceMs = limit.ms;
    },
    executor: {
      async query<Row extends SqlRow>(text: string, params?: unknown[]): Promise<SqlResult<Row>> {
        const limit = await limitForNextStatement();
        try {
          return await tx.query<Row>(text, params);
        } catch (error) {
          if (!limit.byDeadline || !isQueryCanceled(error)) throw error;
          // What PostgreSQL sent stays the cause, for the logs: 57014, canceling statement.
          throw deadlinePassed(error instanceof DependencyError ? error.cause : error);
        }
      },
      async exec(script) {
        await limitForNextStatement();
        await tx.exec(script);
      },
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
  const session: pg.ClientConfig = {
    connectionString,
    connectionTimeoutMillis: connectTimeoutMs,
    application_name: "todo-api",
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  };
  const pool = new pg.Pool({
    ...session,
    max: maxConnections,
    statement_timeout: statementTimeoutMs,
    // Guards against a server that accepted the connection but stopped answering.
    query_timeout: statementTimeoutMs + 1000,
    idle_in_transaction_session_timeout: statementTimeoutMs * 2,
  });
  pool.on("error", onIdleError);
  const executor = executorOf(pool);
  let ended: Promise<void> | undefined;

  async function runTransaction<T>(
    fn: (tx: SqlExecutor) => Promise<T>,
    bound?: { deadline: Deadline; abandoned: AbortSignal },
  ): Promise<T> {
    const client = await callDatabase(() => pool.connect());
    let released = false;
    // Releasing with an error destroys the connection instead of pooling it again.
    const release = (broken?: Error) => {
      if (released) return;
      released = true;
      bound?.abandoned.removeEventListener("abort", onAbandoned);
      client.release(broken);
    };
    // Abandoned, the connection may still be mid-statement (PostgreSQL did not answer its own
    // cancellation in time): only destroying it keeps that from the next request.
    const onAbandoned = () => release(new Error("abandoned at the request's deadline"));
    if (bound?.abandoned.aborted) {
      // It waited for a connection past the deadline: the connection itself is fine.
      release();
      throw deadlinePassed();
    }
    bound?.abandoned.addEventListener("abort", onAbandoned, { once: true });
    const plain = executorOf(client);
    const statements: TransactionStatements =
      bound === undefined
        ? { begin: () => plain.exec("BEGIN"), executor: plain }
        : boundedStatements(plain, bound.deadline, statementTimeoutMs);
    let broken: Error | undefined;
    try {
      await statements.begin();
      const result = await fn(statements.executor);
      // The caller has had its 503: roll back rather than commit what it was told may not be.
      if (bound?.abandoned.aborted) throw deadlinePassed();
      await plain.query("COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch((rollbackError: Error) => {
        broken = rollbackError;
      });
      throw error;
    } finally {
      // A connection whose rollback failed is in an unknown state: destroy it.
      release(broken);
    }
  }

  function transaction<T>(
    fn: (tx: SqlExecutor) => Promise<T>,
    { deadline }: StatementOptions = {},
  ): Promise<T> {
    if (deadline === undefined) return runTransaction(fn);
    // PostgreSQL cancels each statement DEADLINE_MARGIN_MS before the deadline. A server that
    // has not said so by a quarter of the margin before it is given up on, late enough not to
    // race a cancellation on its way, early enough for the 503 to leave in time.
    return withinDeadline(deadline, DEADLINE_MARGIN_MS / 4, (abandoned) =>
      runTransaction(fn, { deadline, abandoned }),
    );
  }

  function query<Row extends SqlRow>(
    text: string,
    params?: unknown[],
    options: StatementOptions = {},
  ): Promise<SqlResult<Row>> {
    if (options.deadline === undefined) return executor.query<Row>(text, params);
    // SET LOCAL only lasts a transaction: a bounded statement gets one of its own.
    return transaction((tx) => tx.query<Row>(text, params), options);
  }

  return {
    exec: executor.exec,
    query,
    transaction,
    async ping(options) {
      await query("SELECT 1", [], options);
    },
    listen(channel, onNotification) {
      // Another schema's outbox notifies the same channel: only this one's count.
      return listenOnPg({
        config: session,
        channel,
        ...(schema === undefined ? {} : { payload: schema }),
        onNotification,
        onError: onIdleError,
      });
    },
    close() {
      ended ??= pool.end();
      return ended;
    },
  };
}
