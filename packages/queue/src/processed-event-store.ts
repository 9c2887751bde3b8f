import { JetStreamApiCodes, type JetStreamClient } from "@nats-io/jetstream";
import type { KV, KvEntry } from "@nats-io/kv";
import { DependencyError } from "@tracemesh/errors";
import * as v from "valibot";
import { openClaimsBucket } from "./claims-bucket.ts";
import { isJetStreamApiError } from "./jetstream-api-error.ts";
import { QUEUE_DEFAULTS } from "./topology.ts";

/** What the bucket says about an event when one of its deliveries arrives. */
export type EventClaim =
  /** Ours to deliver: nobody held it, its holder let go, or its holder is presumed dead. */
  | { status: "claimed"; revision: number }
  /** Delivered already: this copy is a duplicate. */
  | { status: "delivered" }
  /** Another delivery of the same event is being handled now: look again in `retryInMs`. */
  | { status: "held"; holder: string; retryInMs: number };

/**
 * Claims events by id before they are delivered, so that two copies of one event (two stream
 * messages, or one message redelivered while its first delivery still runs) are delivered once.
 */
export interface ProcessedEventStore {
  /** Atomically claims `eventId` for `holder`, or says who has it or that it is done. */
  claim(eventId: string, holder: string): Promise<EventClaim>;
  /** Records the delivery; false when the claim had been taken over meanwhile (too slow). */
  markDelivered(eventId: string, revision: number): Promise<boolean>;
  /** Lets go of a claim whose delivery failed, so that the retry can claim it. */
  release(eventId: string, revision: number): Promise<void>;
}

export interface ProcessedEventStoreOptions {
  /**
   * How long a delivered event id is remembered: as long as a copy of the event can come, which
   * is the event stream's retention (a consumer created anew reads the stream from its start).
   * @default 7 days (QUEUE_DEFAULTS.maxAgeMs)
   */
  ttlMs?: number;
  /**
   * The most the bucket keeps on disk; past it the oldest ids are forgotten.
   * @default 256 MiB (QUEUE_DEFAULTS.processedEventsMaxBytes)
   */
  maxBytes?: number;
  /**
   * How long a claim keeps other deliveries of its event waiting. Must be longer than a
   * handler can run: an older claim is taken to be its holder's crash and is taken over. Ages
   * are read against this host's clock, so replicas' clocks must agree to well within it.
   * @default 60000
   */
  claimTtlMs?: number;
}

const KV_KEY = /^[-/_=.a-zA-Z0-9]+$/;
// Claims contended this many times in a row are left to the redelivery.
const CLAIM_ROUNDS = 3;

const ClaimValueSchema = v.variant("state", [
  v.object({ state: v.literal("claimed"), holder: v.string(), claimedAt: v.string() }),
  v.object({ state: v.literal("delivered"), deliveredAt: v.string() }),
]);
type ClaimValue = v.InferOutput<typeof ClaimValueSchema>;

function keyOf(eventId: string): string {
  if (!KV_KEY.test(eventId)) throw new TypeError(`event id unusable as a KV key: ${eventId}`);
  return eventId;
}

function encode(value: ClaimValue): string {
  return JSON.stringify(value);
}

function decode(entry: KvEntry): ClaimValue {
  try {
    const parsed = v.safeParse(ClaimValueSchema, entry.json());
    if (parsed.success) return parsed.output;
  } catch {
    // entry.json() throws on bytes that are no JSON: as unreadable as a value of the wrong shape.
  }
  // Anything unreadable is taken as delivered: delivering an event twice is the failure this
  // store exists to prevent, and a value nobody can read cannot be a live claim to wait for.
  return { state: "delivered", deliveredAt: entry.created.toISOString() };
}

async function dependency<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (cause) {
    throw new DependencyError({ dependency: "nats", cause });
  }
}

/** A compare-and-set write's result, or undefined when the key was not at the expected revision. */
async function compareAndSet<T>(write: () => Promise<T>): Promise<T | undefined> {
  try {
    return await write();
  } catch (cause) {
    if (isJetStreamApiError(cause, JetStreamApiCodes.StreamWrongLastSequence)) return undefined;
    throw new DependencyError({ dependency: "nats", cause });
  }
}

/**
 * A JetStream KV bucket of event claims (created when missing, opened otherwise, bounded either
 * way: see openClaimsBucket), so that idempotency holds across consumer instances and restarts.
 * A key goes claimed → delivered, or claimed → released (deleted); every step is a
 * compare-and-set on the key's revision.
 *
 * What it guarantees: one delivery of an event runs its handler at a time, and none runs once
 * the event is recorded delivered. What it cannot: a holder that dies (or loses NATS) after
 * its sink succeeded but before the "delivered" write leaves a claim that goes stale, and the
 * next copy of the event is delivered again; so is one whose handler outruns claimTtlMs. That
 * window is at-least-once: the webhook sink sends `Idempotency-Key: <event id>` so that a
 * receiver can drop the repeat.
 */
export async function createProcessedEventStore(
  js: JetStreamClient,
  bucket: string,
  options: ProcessedEventStoreOptions = {},
): Promise<ProcessedEventStore> {
  const bounds = {
    ttlMs: options.ttlMs ?? QUEUE_DEFAULTS.maxAgeMs,
    maxBytes: options.maxBytes ?? QUEUE_DEFAULTS.processedEventsMaxBytes,
  };
  const claimTtlMs = options.claimTtlMs ?? 60_000;
  const kv: KV = await dependency(() => openClaimsBucket(js, bucket, bounds));
  const claimed = (holder: string) =>
    encode({ state: "claimed", holder, claimedAt: new Date().toISOString() });

  return {
    async claim(eventId, holder) {
      const key = keyOf(eventId);
      for (let round = 0; round < CLAIM_ROUNDS; round++) {
        // create() fails when the key holds a value: only one claimant of a free key wins.
        const revision = await compareAndSet(() => kv.create(key, claimed(holder)));
        if (revision !== undefined) return { status: "claimed", revision };
        const entry = await dependency(() => kv.get(key));
        // Released between our create and our get: try to create again.
        if (entry === null || entry.operation !== "PUT") continue;
        const current = decode(entry);
        if (current.state === "delivered") return { status: "delivered" };
        const ageMs = Date.now() - Date.parse(current.claimedAt);
        if (ageMs < claimTtlMs) {
          const retryInMs = Math.min(claimTtlMs, Math.max(1, claimTtlMs - ageMs));
          return { status: "held", holder: current.holder, retryInMs };
        }
        // A stale claim: its holder died. Of several takers, the compare-and-set picks one.
        const taken = await compareAndSet(() => kv.update(key, claimed(holder), entry.revision));
        if (taken !== undefined) return { status: "claimed", revision: taken };
      }
      return { status: "held", holder: "(contended)", retryInMs: Math.min(claimTtlMs, 1000) };
    },

    async markDelivered(eventId, revision) {
      const key = keyOf(eventId);
      const delivered = encode({ state: "delivered", deliveredAt: new Date().toISOString() });
      if ((await compareAndSet(() => kv.update(key, delivered, revision))) !== undefined) {
        return true;
      }
      // Taken over while we delivered: it was delivered all the same, and copies to come must
      // know it whatever the taker does next.
      await dependency(() => kv.put(key, delivered));
      return false;
    },

    async release(eventId, revision) {
      const key = keyOf(eventId);
      // Not at our revision: someone took the claim over, and it is theirs to settle.
      await compareAndSet(() => kv.delete(key, { previousSeq: revision }));
    },
  };
}
