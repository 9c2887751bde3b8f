import type { FlatSpan } from "./flat-span.ts";
import type { SpanStore } from "./span-store.ts";

/**
 * Resolves with the kept spans matching `predicate` once there are at least `count` of them;
 * rejects after `timeoutMs`, saying how many matched out of how many were received, or as soon
 * as `predicate` throws.
 */
export function waitForSpans(
  store: SpanStore,
  predicate: (span: FlatSpan) => boolean,
  timeoutMs = 5_000,
  count = 1,
): Promise<FlatSpan[]> {
  return new Promise((resolve, reject) => {
    let unsubscribe = () => {};
    let matched: FlatSpan[] = [];
    const settle = (outcome: () => void): true => {
      clearTimeout(timer);
      unsubscribe();
      outcome();
      return true;
    };
    const timer = setTimeout(() => {
      const message = `waitForSpans: ${matched.length} of ${count} expected spans after ${timeoutMs} ms (${store.spans().length} spans received)`;
      settle(() => reject(new Error(message)));
    }, timeoutMs);
    // Runs inside the store's add: a throwing predicate must fail the wait, not the OTLP request.
    const check = (): boolean => {
      try {
        matched = store.spans().filter(predicate);
      } catch (error) {
        return settle(() => reject(error));
      }
      return matched.length >= count && settle(() => resolve(matched));
    };
    if (!check()) unsubscribe = store.subscribe(check);
  });
}
