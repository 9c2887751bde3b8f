import type { JsMsg } from "@nats-io/jetstream";
import { DependencyError } from "@tracemesh/errors";

/**
 * The nak delay for a failed delivery: backoff[n-1], the last value once they run out; longer
 * when the failure is a dependency that said when it can be back (a DependencyError whose
 * `retryAfterKnown`: a webhook's 429 or 503 with Retry-After, a breaker still open), up to the
 * schedule's longest pause. A retry before then would fail the same way and use up one of the
 * message's deliveries.
 */
export function redeliveryDelay(
  backoffMs: readonly number[],
  deliveryCount: number,
  failure?: unknown,
): number {
  const scheduled = backoffMs[Math.min(deliveryCount - 1, backoffMs.length - 1)] ?? 0;
  if (!(failure instanceof DependencyError) || !failure.retryAfterKnown) return scheduled;
  const askedMs = failure.retryAfterSeconds * 1000;
  if (!Number.isFinite(askedMs)) return scheduled;
  return Math.max(scheduled, Math.min(askedMs, Math.max(0, ...backoffMs)));
}

/**
 * Runs `work` while telling the server every `everyMs` (half the consumer's ack_wait) that the
 * message is still being handled, so that a handler may run longer than ack_wait.
 */
export async function withAckHeartbeat(
  msg: JsMsg,
  everyMs: number,
  work: () => Promise<void>,
): Promise<void> {
  const timer = setInterval(() => {
    try {
      msg.working();
    } catch {
      // The connection is gone: the ack or nak that follows reports it.
    }
  }, everyMs);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
}
