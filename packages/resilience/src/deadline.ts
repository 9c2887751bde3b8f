/**
 * The time left to finish one unit of work (an inbound request, a queue message).
 * Outbound calls read it to size their timeouts and forward what is left downstream.
 */
export interface Deadline {
  /** Epoch milliseconds at which the work is abandoned. */
  readonly expiresAt: number;
  /** Milliseconds left until `expiresAt`, never negative (a cancellation leaves it as it is). */
  remainingMs(): number;
  /**
   * Aborts when the deadline passes, or when the work is cancelled before (`createDeadline`'s
   * `cancelledBy`); pass it to anything that can be cancelled.
   */
  readonly signal: AbortSignal;
  /** Stops the clock once the work is over, so that nothing is aborted for work already done. */
  dispose(): void;
}

/**
 * A deadline `ms` milliseconds from now. Given `cancelledBy` (an inbound request's signal, which
 * aborts when its connection closes), its signal also aborts when that one does, with an
 * AbortError: no one waits for the work's answer any more, so the calls it makes stop and free
 * what they hold. `remainingMs` still counts the time.
 */
export function createDeadline(ms: number, cancelledBy?: AbortSignal): Deadline {
  const budgetMs = Math.max(0, Math.ceil(ms));
  const expiresAt = Date.now() + budgetMs;
  const controller = new AbortController();
  // Not AbortSignal.timeout: its timer cannot be stopped, and it aborts any signal still in memory
  // when it fires, long after the work, building a DOMException with its stack each time (1 % of
  // todo-api's CPU under load). Unref'd, like it: a deadline never keeps the process alive.
  const timer = setTimeout(() => {
    controller.abort(new DOMException("The deadline passed", "TimeoutError"));
  }, budgetMs).unref();
  const cancel = () => {
    clearTimeout(timer);
    // @hono/node-server's reason is a string: an Error is what a reader of the signal expects.
    const reason = cancelledBy?.reason;
    controller.abort(
      reason instanceof Error ? reason : new DOMException(String(reason), "AbortError"),
    );
  };
  if (cancelledBy?.aborted) cancel();
  else cancelledBy?.addEventListener("abort", cancel, { once: true });
  return {
    expiresAt,
    remainingMs: () => Math.max(0, expiresAt - Date.now()),
    signal: controller.signal,
    dispose: () => {
      clearTimeout(timer);
      cancelledBy?.removeEventListener("abort", cancel);
    },
  };
}
