import { PGlite, type Transaction } from "@electric-sql/pglite";
import type { Deadline } from "@tracemesh/resilience";
import { lockDataDir } from "./data-dir-lock.ts";
import { callDatabase, toDatabaseError } from "./database-errors.ts";
import { type Autovacuum, type AutovacuumFailure, startAutovacuum } from "./pglite-autovacuum.ts";
import { withQuerySpan } from "./query-span.ts";
import { summarizeQuery } from "./query-summary.ts";
import type { SqlClient, SqlExecutor, SqlResult, SqlRow, StatementOptions } from "./sql-client.ts";
import {
  DEADLINE_MARGIN_MS,
  deadlinePassed,
  statementLimit,
  withinDeadline,
} from "./statement-deadline.ts";

export interface PgliteClientOptions {
  /** A directory for the database files, or `memory://` for a throwaway database. */
  dataDir: string;
  /** Told of an ANALYZE or VACUUM that failed (pglite-autovacuum.ts). @default nothing */
  onAutovacuumFailure?: (failure: AutovacuumFailure) => void;
}

function executorOf(db: PGlite | Transaction, afterStatement: Autovacuum["written"]): SqlExecutor {
  return {
    query<Row extends SqlRow>(text: string, params: unknown[] = []): Promise<SqlResult<Row>> {
      // Read once, for the span and for the statistics.
      const summary = summarizeQuery(text);
      return withQuerySpan(text, summary, async () => {
        const result = await callDatabase(() => db.query<Row>(text, params));
        const rowCount = result.rowCount ?? result.rows.length;
        afterStatement(summary, rowCount);
        return { rows: result.rows, rowCount };
      });
    },
    async exec(script) {
      await withQuerySpan(script, summarizeQuery(script), () =>
        callDatabase(() => db.exec(script)),
      );
    },
  };
}

/** A transaction's statements under `deadline`: none starts once it is spent or abandoned. */
function boundedExecutor(tx: SqlExecutor, deadline: Deadline, abandoned: AbortSignal): SqlExecutor {
  const check = () => {
    if (abandoned.aborted) throw deadlinePassed();
    statementLimit(deadline);
  };
  return {
    query<Row extends SqlRow>(text: string, params?: unknown[]): Promise<SqlResult<Row>> {
      check();
      return tx.query<Row>(text, params);
    },
    exec(script) {
      check();
      return tx.exec(script);
    },
  };
}

/**
 * A `SqlClient` over embedded PGlite (PostgreSQL in WebAssembly, one connection). No
 * instrumentation knows PGlite, so each statement gets its own CLIENT span here.
 *
 * A deadline cannot cancel a PGlite statement: it runs to its end in this thread, where no
 * statement_timeout can interrupt it. What it bounds is the wait: a call queued behind
 * another (one connection, one statement or transaction at a time) is answered 503 when the
 * deadline comes, and left to run behind; a transaction abandoned so starts no statement more
 * and rolls back.
 *
 * PGlite has no autovacuum: its tables are analyzed and vacuumed as autovacuum would
 * (pglite-autovacuum.ts).
 */
export async function createPgliteClient(options: PgliteClientOptions): Promise<SqlClient> {
  const { dataDir } = options;
  const unlock = dataDir.startsWith("memory://") ? async () => {} : await lockDataDir(dataDir);
  let db: PGlite;
  try {
    db = await PGlite.create(dataDir);
  } catch (error) {
    await unlock();
    throw error;
  }
  const autovacuum = await startAutovacuum(db, options.onAutovacuumFailure);
  const executor = executorOf(db, autovacuum.written);
  let closed: Promise<void> | undefined;

  async function runTransaction<T>(
    fn: (tx: SqlExecutor) => Promise<T>,
    bound?: { deadline: Deadline; abandoned: AbortSignal },
  ): Promise<T> {
    // Only failures of PGlite itself are translated; the callback's own errors pass through.
    let callbackError: { error: unknown } | undefined;
    try {
      return await db.transaction(async (tx) => {
        try {
          const plain = executorOf(tx, autovacuum.written);
          const result = await fn(
            bound === undefined ? plain : boundedExecutor(plain, bound.deadline, bound.abandoned),
          );
          // The caller has had its 503: roll back rather than commit what it was told may not be.
          if (bound?.abandoned.aborted) throw deadlinePassed();
          return result;
        } catch (error) {
          callbackError = { error };
          throw error;
        }
      });
    } catch (error) {
      if (callbackError !== undefined) throw callbackError.error;
      throw toDatabaseError(error);
    }
  }

  function query<Row extends SqlRow>(
    text: string,
    params?: unknown[],
    options: StatementOptions = {},
  ): Promise<SqlResult<Row>> {
    const run = () => executor.query<Row>(text, params);
    return options.deadline === undefined
      ? run()
      : withinDeadline(options.deadline, DEADLINE_MARGIN_MS, run);
  }

  return {
    exec: executor.exec,
    query,
    transaction(fn, { deadline } = {}) {
      if (deadline === undefined) return runTransaction(fn);
      return withinDeadline(deadline, DEADLINE_MARGIN_MS, (abandoned) =>
        runTransaction(fn, { deadline, abandoned }),
      );
    },
    async ping(options) {
      await query("SELECT 1", [], options);
    },
    async listen(channel, onNotification) {
      // One connection, in this process: the notification comes with the commit.
      const unlisten = await callDatabase(() => db.listen(channel, onNotification));
      return async () => {
        if (!db.closed) await unlisten();
      };
    },
    close() {
      closed ??= (async () => {
        await autovacuum.settled();
        if (!db.closed) await db.close();
        await unlock();
      })();
      return closed;
    },
  };
}
