export type UpstreamFailureKind =
  | "timeout"
  | "connection_error"
  | "server_error"
  /** A body longer than the client reads (maxResponseBytes): cut off, never buffered whole. */
  | "response_too_large"
  /** A redirect (301, 302, 303, 307, 308): never followed, and it would only come again. */
  | "redirected"
  /** A body that is no answer the caller can use (not JSON, the wrong shape): it would recur. */
  | "invalid_answer";

export interface UpstreamFailureOptions {
  status?: number;
  retryAfterMs?: number;
  cause?: unknown;
}

/**
 * An attempt that failed because of the dependency (no answer in time, no connection, a 5xx, a
 * body over the limit, a redirect, an unusable answer): the breaker counts it and idempotent
 * calls retry it, but for the last three, which would only come again. Its message names no host
 * or URL.
 */
export class UpstreamFailure extends Error {
  readonly kind: UpstreamFailureKind;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(dependency: string, kind: UpstreamFailureKind, options: UpstreamFailureOptions = {}) {
    const what = options.status === undefined ? kind : `${kind} ${options.status}`;
    super(`${dependency}: ${what}`, { cause: options.cause });
    this.name = "UpstreamFailure";
    this.kind = kind;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }
}

// What the same request would only get again: not worth a retry.
const RECURRING: ReadonlySet<UpstreamFailureKind> = new Set([
  "response_too_large",
  "redirected",
  "invalid_answer",
]);

/** Whether another attempt would only meet the same answer (a body over the limit, a redirect, an unusable body). */
export function wouldRecur(failure: UpstreamFailure): boolean {
  return RECURRING.has(failure.kind);
}

/** Raised instead of starting an attempt that could not finish in the time left. */
export class BudgetExhaustedError extends Error {
  constructor(dependency: string, remainingMs: number) {
    super(`${dependency}: ${Math.round(remainingMs)} ms left, too little to start an attempt`);
    this.name = "BudgetExhaustedError";
  }
}
