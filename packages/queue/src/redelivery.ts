import type { JsMsg } from "@nats-io/jetstream";

/** The nak delay for a failed delivery: backoff[n-1], the last value once they run out. */
export function redeliveryDelay(backoffMs: readonly number[], deliveryCount: number): number {
  return backoffMs[Math.min(deliveryCount - 1, backoffMs.length - 1)] ?? 0;
}

/**
 * Runs `work` while telling the server every `everyMs` that the message is still being
 * handled: with backoff set, the consumer's ack_wait is its first (short) backoff value.
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
