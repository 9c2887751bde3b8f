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
  /** Stops the clock once the work is over, so that nothing is aborted for work already done. */
  dispose(): void;
}

/**
 * A deadline `ms` milliseconds from now. Given `cancelledBy` (an inbound request's signal, which
 * aborts when its client goes away), it also ends when that signal aborts, with its reason: no
 * one waits for the work's answer any more, so the calls it makes stop and free what they hold.
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
    controller.abort(cancelledBy?.reason);
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
