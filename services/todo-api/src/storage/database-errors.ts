import { DependencyError } from "@tracemesh/errors";

/** The name clients see in `details[].name` and logs: never a host, port or URL. */
export const DATABASE_DEPENDENCY = "database";

/** SQLSTATE query_canceled: statement_timeout (or a cancel request) stopped the statement. */
export const QUERY_CANCELED = "57014";

/**
 * SQLSTATE classes that mean "the database cannot serve us right now" rather than "this
 * statement is wrong": 08 connection exception, 53 insufficient resources (too many
 * connections, disk full), 57 operator intervention (57014 query_canceled by statement_timeout,
 * shutdown).
 */
const UNAVAILABLE_CLASSES = new Set(["08", "53", "57"]);

/**
 * The SQLSTATE of an error the server sent. Both pg's and PGlite's DatabaseError carry
 * `code` and `severity`; transport failures (ECONNREFUSED, timeouts, a closed pool) do not.
 */
export function sqlStateOf(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const { code, severity } = error as { code?: unknown; severity?: unknown };
  if (typeof severity !== "string" || typeof code !== "string") return undefined;
  return /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/**
 * Maps a driver error to what the service should answer: a `DependencyError` (503) when the
 * database is unreachable, timed out or shutting down; the original error otherwise, so a
 * broken statement stays a bug (500) instead of looking like an outage.
 */
export function toDatabaseError(error: unknown): unknown {
  if (error instanceof DependencyError) return error;
  const state = sqlStateOf(error);
  if (state !== undefined && !UNAVAILABLE_CLASSES.has(state.slice(0, 2))) return error;
  return new DependencyError({ dependency: DATABASE_DEPENDENCY, cause: error });
}

/** Runs one driver call, translating its failure with `toDatabaseError`. */
export async function callDatabase<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toDatabaseError(error);
  }
}

/** Whether the server cancelled the statement (query_canceled), as it sent it or as mapped here. */
export function isQueryCanceled(error: unknown): boolean {
  const sent = error instanceof DependencyError ? error.cause : error;
  return sqlStateOf(sent) === QUERY_CANCELED;
}
