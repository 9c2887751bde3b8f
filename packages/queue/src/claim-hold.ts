import type { EventClaim, ProcessedEventStore } from "./processed-event-store.ts";
import type { QueueLogger } from "./queue-logger.ts";

/** What one delivery holds of its event id: let go of when it fails, recorded when it succeeds. */
export interface ClaimHold {
  /** Never rejects: a claim left behind goes stale, and the retry waits for that. */
  release(): Promise<void>;
  /** Never rejects: an unrecorded delivery is logged, the message is acked all the same. */
  recordDelivered(): Promise<void>;
}

// Without a store of claims there is nothing to let go of or to record.
const NOTHING_HELD: ClaimHold = {
  async release() {},
  async recordDelivered() {},
};

/** The hold of a delivery whose claim the store granted; nothing held without a store. */
export function holdClaim(
  store: ProcessedEventStore | undefined,
  eventId: string,
  claim: Extract<EventClaim, { status: "claimed" }> | undefined,
  logger: QueueLogger | undefined,
  fields: Record<string, unknown>,
): ClaimHold {
  if (store === undefined || claim === undefined) return NOTHING_HELD;
  const { revision } = claim;
  return {
    async release() {
      try {
        await store.release(eventId, revision);
      } catch (error) {
        logger?.warn("queue.idempotency.release_failed", { ...fields, error });
      }
    },
    async recordDelivered() {
      try {
        const kept = await store.markDelivered(eventId, revision);
        if (!kept) logger?.warn("queue.idempotency.claim_lost", fields);
      } catch (error) {
        // Delivered, yet unrecorded: the claim goes stale and another copy of the event, should
        // one come, is delivered again. The sink's Idempotency-Key (the event id) lets a
        // receiver drop it.
        logger?.warn("queue.idempotency.mark_failed", { ...fields, error });
      }
    },
  };
}
