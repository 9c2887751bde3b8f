import { DependencyError } from "@tracemesh/errors";
import type { Deadline } from "@tracemesh/resilience";
import { DATABASE_DEPENDENCY } from "./database-errors.ts";

/**
 * What a statement leaves of the request's deadline: once the database gives up, its error
 * still has to come back, the transaction to roll back and the 503 to leave before the deadline.
 */
export const DEADLINE_MARGIN_MS = 100;

/**
 * The 503 of a database call the request's deadline stopped, or never let start: like the
 * dependency client's, it does not blame the database (`deadlineExceeded`).
 */
export function deadlinePassed(cause?: unknown): DependencyError {
  return new DependencyError({
    dependency: DATABASE_DEPENDENCY,
    deadlineExceeded: true,
    message: "the request's deadline ended the database call",
    cause,
  });
}

/** How long one statement may run. */
export interface StatementLimit {
  ms: number;
  /** Whether the deadline set it rather than the ceiling: a cancellation is then the deadline's. */
  byDeadline: boolean;
}

/**
 * What `deadline` leaves one statement starting now: the time left minus `marginMs`, at most
 * `ceilingMs`. @throws DependencyError (deadlineExceeded) when not a millisecond is left for it
 */
export function statementLimit(
  deadline: Deadline,
  ceilingMs = Number.POSITIVE_INFINITY,
  marginMs = DEADLINE_MARGIN_MS,
): StatementLimit {
  const leftMs = Math.floor(deadline.remainingMs() - marginMs);
  if (leftMs < 1) throw deadlinePassed();
  return leftMs < ceilingMs
    ? { ms: leftMs, byDeadline: true }
    : { ms: ceilingMs, byDeadline: false };
}

/**
 * Runs `work` for a call under `deadline`: rejected at once when not a millisecond is left for
 * a statement, otherwise settled as `work` is, or rejected with `deadlinePassed()` `giveUpMs`
 * before the deadline if it has not settled by then. Nothing here can stop `work`: the signal
 * it gets aborts when it is abandoned, so that it starts nothing more and lets go of what it
 * holds; its late outcome is dropped.
 */
export function withinDeadline<T>(
  deadline: Deadline,
  giveUpMs: number,
  work: (abandoned: AbortSignal) => Promise<T>,
): Promise<T> {
  try {
    statementLimit(deadline);
  } catch (error) {
    return Promise.reject(error);
  }
  const abandon = new AbortController();
  const running = work(abandon.signal);
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => {
        abandon.abort();
        reject(deadlinePassed());
      },
      deadline.expiresAt - giveUpMs - Date.now(),
    );
    running.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}
