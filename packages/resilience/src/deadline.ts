/**
 * The time left to finish one unit of work (an inbound request, a queue message).
 * Outbound calls read it to size their timeouts and forward what is left downstream.
 */
export interface Deadline {
  /** Epoch milliseconds at which the work is abandoned. */
  readonly expiresAt: number;
  /** Milliseconds left, never negative. */
  remainingMs(): number;
  /** Aborts when the deadline passes; pass it to anything that can be cancelled. */
  readonly signal: AbortSignal;
}

/** A deadline `ms` milliseconds from now, for work that does not start from an HTTP request. */
export function createDeadline(ms: number): Deadline {
  const budgetMs = Math.max(0, Math.ceil(ms));
  const expiresAt = Date.now() + budgetMs;
  return {
    expiresAt,
    remainingMs: () => Math.max(0, expiresAt - Date.now()),
    // The platform's timeout signal does not keep the event loop alive once the work is done.
    signal: AbortSignal.timeout(budgetMs),
  };
}
