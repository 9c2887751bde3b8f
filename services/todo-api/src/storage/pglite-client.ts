import { PGlite, type Transaction } from "@electric-sql/pglite";
import { lockDataDir } from "./data-dir-lock.ts";
import { callDatabase, toDatabaseError } from "./database-errors.ts";
import { withQuerySpan } from "./query-span.ts";
import type { SqlClient, SqlExecutor, SqlResult, SqlRow } from "./sql-client.ts";

export interface PgliteClientOptions {
  /** A directory for the database files, or `memory://` for a throwaway database. */
  dataDir: string;
}

function executorOf(db: PGlite | Transaction): SqlExecutor {
  return {
    query<Row extends SqlRow>(text: string, params: unknown[] = []): Promise<SqlResult<Row>> {
      return withQuerySpan(text, async () => {
        const result = await callDatabase(() => db.query<Row>(text, params));
        return { rows: result.rows, rowCount: result.rowCount ?? result.rows.length };
      });
    },
    async exec(script) {
      await withQuerySpan(script, () => callDatabase(() => db.exec(script)));
    },
  };
}

/**
 * A `SqlClient` over embedded PGlite (PostgreSQL in WebAssembly, one connection). No
 * instrumentation knows PGlite, so each statement gets its own CLIENT span here.
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
  const executor = executorOf(db);
  let closed: Promise<void> | undefined;

  return {
    ...executor,
    async transaction(fn) {
      // Only failures of PGlite itself are translated; the callback's own errors pass through.
      let callbackError: { error: unknown } | undefined;
      try {
        return await db.transaction(async (tx) => {
          try {
            return await fn(executorOf(tx));
          } catch (error) {
            callbackError = { error };
            throw error;
          }
        });
      } catch (error) {
        if (callbackError !== undefined) throw callbackError.error;
        throw toDatabaseError(error);
      }
    },
    async ping() {
      await executor.query("SELECT 1");
    },
    close() {
      closed ??= (async () => {
        if (!db.closed) await db.close();
        await unlock();
      })();
      return closed;
    },
  };
}
