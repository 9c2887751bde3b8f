import { DiscardPolicy } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import { nanos } from "@nats-io/nats-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProcessedEventStore } from "./processed-event-store.ts";
import { connectNats, deleteStreams, type NatsTestContext } from "./test-utils.ts";
import { QUEUE_DEFAULTS } from "./topology.ts";

// The claims bucket grows by one key per event: its size has a bound, on a new bucket and on
// one an older version created without it.
let nats: NatsTestContext;
const buckets: string[] = [];

beforeAll(async () => {
  nats = await connectNats();
});

afterAll(async () => {
  if (!nats) return;
  await deleteStreams(
    nats.jsm,
    buckets.map((bucket) => `KV_${bucket}`),
  );
  await nats.nc.close();
});

function newBucket(): string {
  const bucket = `bounded_${crypto.randomUUID().replaceAll("-", "").slice(0, 10)}`;
  buckets.push(bucket);
  return bucket;
}

async function bucketConfig(bucket: string) {
  return (await nats.jsm.streams.info(`KV_${bucket}`)).config;
}

describe("the processed-events bucket's bounds", () => {
  it("creates the bucket bounded by default: the event stream's retention and a size", async () => {
    const bucket = newBucket();
    await createProcessedEventStore(nats.js, bucket);
    expect(await bucketConfig(bucket)).toMatchObject({
      max_age: nanos(QUEUE_DEFAULTS.maxAgeMs),
      max_bytes: QUEUE_DEFAULTS.processedEventsMaxBytes,
      // Past the size the oldest ids are forgotten; new claims are never refused.
      discard: DiscardPolicy.Old,
      max_msgs_per_subject: 1,
    });
  });

  it("brings an existing unbounded bucket to the configured bounds, keeping its keys", async () => {
    const bucket = newBucket();
    const old = await new Kvm(nats.js).create(bucket, { history: 1 });
    await old.put("event-1", JSON.stringify({ state: "delivered", deliveredAt: "2026-01-01" }));
    expect((await bucketConfig(bucket)).max_bytes).toBe(-1);

    const store = await createProcessedEventStore(nats.js, bucket, {
      ttlMs: 3_600_000,
      maxBytes: 1_048_576,
    });
    expect(await bucketConfig(bucket)).toMatchObject({
      max_age: nanos(3_600_000),
      max_bytes: 1_048_576,
      discard: DiscardPolicy.Old,
    });
    expect(await store.claim("event-1", "a")).toEqual({ status: "delivered" });
  });
});
