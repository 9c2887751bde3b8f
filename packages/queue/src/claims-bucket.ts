import { DiscardPolicy, type JetStreamClient, type StreamConfig } from "@nats-io/jetstream";
import { type KV, Kvm } from "@nats-io/kv";
import { nanos } from "@nats-io/nats-core";

/** How much of its past the claims bucket keeps. */
export interface ClaimsBucketBounds {
  /** How long a key lives after its last write. */
  ttlMs: number;
  /** The most the bucket's stream holds; past it the oldest keys go. */
  maxBytes: number;
}

type Bounded = Pick<StreamConfig, "max_age" | "max_bytes" | "discard">;

function boundedConfig(bounds: ClaimsBucketBounds): Bounded {
  return {
    max_age: nanos(bounds.ttlMs),
    max_bytes: bounds.maxBytes,
    // A KV bucket refuses writes once full (discard new): every claim would then fail and every
    // event be dead-lettered. Forgetting the oldest ids instead only lets a copy of an event
    // older than anything still kept be delivered again.
    discard: DiscardPolicy.Old,
  };
}

function differs(config: StreamConfig, wanted: Bounded): boolean {
  return (
    config.max_age !== wanted.max_age ||
    config.max_bytes !== wanted.max_bytes ||
    config.discard !== wanted.discard
  );
}

/**
 * The KV bucket of event claims, created with these bounds when missing; an existing one (made
 * by an older version, or with other settings) is brought to them, so that it stops growing.
 * Keys stay: a smaller size drops the oldest of them.
 */
export async function openClaimsBucket(
  js: JetStreamClient,
  bucket: string,
  bounds: ClaimsBucketBounds,
): Promise<KV> {
  // create() opens a bucket that exists, settings untouched: the update below sees to them.
  const kv = await new Kvm(js).create(bucket, {
    history: 1,
    ttl: bounds.ttlMs,
    max_bytes: bounds.maxBytes,
  });
  const { config } = (await kv.status()).streamInfo;
  const wanted = boundedConfig(bounds);
  if (differs(config, wanted)) {
    const jsm = await js.jetstreamManager();
    await jsm.streams.update(config.name, wanted);
  }
  return kv;
}
