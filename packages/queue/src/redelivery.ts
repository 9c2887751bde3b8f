import type { JsMsg } from "@nats-io/jetstream";

/** The nak delay for a failed delivery: backoff[n-1], the last value once they run out. */
export function redeliveryDelay(backoffMs: readonly number[], deliveryCount: number): number {
  return backoffMs[Math.min(deliveryCount - 1, backoffMs.length - 1)] ?? 0;
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
