/**
 * Settles with `admitted`, or rejects with `expired()` when `signal` aborts while the call still
 * waits for a bulkhead slot: cockatiel's queue only looks at the signal when a slot frees up.
 * Once the call runs, its own timeouts take over and the abort is left to them.
 */
export function untilAbortedWhileQueued<T>(
  admitted: Promise<T>,
  signal: AbortSignal,
  isQueued: () => boolean,
  expired: () => Error,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      if (isQueued()) reject(expired());
    };
    signal.addEventListener("abort", onAbort, { once: true });
    admitted.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
