import { AckPolicy, StorageType } from "@nats-io/jetstream";
import { nanos } from "@nats-io/nats-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureEventConsumer } from "./ensure-consumer.ts";
import { ensureEventStreams } from "./ensure-streams.ts";
import { connectNats, deleteStreams, type NatsTestContext, testTopology } from "./test-utils.ts";
import { QUEUE_DEFAULTS } from "./topology.ts";

const names = testTopology();
let nats: NatsTestContext;

beforeAll(async () => {
  nats = await connectNats();
});

afterAll(async () => {
  if (!nats) return;
  await deleteStreams(nats.jsm, [names.stream, names.deadLetterStream]);
  await nats.nc.close();
});

describe("stream and consumer setup", () => {
  it("creates the event and dead-letter streams, and is safe to run at every start", async () => {
    const created = await ensureEventStreams(nats.jsm, { ...names, duplicateWindowMs: 60_000 });
    expect(created.stream.config).toMatchObject({
      name: names.stream,
      subjects: [`${names.subjectPrefix}.>`],
      storage: StorageType.File,
      duplicate_window: nanos(60_000),
    });
    expect(created.deadLetter.config.subjects).toEqual([`${names.deadLetterSubjectPrefix}.>`]);

    const again = await ensureEventStreams(nats.jsm, { ...names, duplicateWindowMs: 120_000 });
    expect(again.stream.config.duplicate_window).toBe(nanos(120_000));
    expect(again.stream.state.messages).toBe(0);
  });

  it("creates the durable pull consumer with bounded redelivery and room to dead-letter, then updates it in place", async () => {
    await ensureEventStreams(nats.jsm, names);
    const created = await ensureEventConsumer(nats.jsm, { ...names, maxDeliver: 4 });
    expect(created.config).toMatchObject({
      durable_name: names.consumer,
      ack_policy: AckPolicy.Explicit,
      // The handler's 4 attempts, then 10 more deliveries for dead-lettering (QUEUE_DEFAULTS).
      max_deliver: 14,
      ack_wait: nanos(QUEUE_DEFAULTS.ackWaitMs),
    });
    // No server-side backoff: the consumer's naks space the retries (retry-delay.nats.test.ts).
    expect(created.config.backoff ?? []).toEqual([]);
    expect(created.config.deliver_subject).toBeUndefined();

    // A consumer an earlier version gave a backoff loses it.
    await nats.jsm.consumers.update(names.stream, names.consumer, {
      backoff: [nanos(QUEUE_DEFAULTS.ackWaitMs), nanos(60_000)],
    });

    const updated = await ensureEventConsumer(nats.jsm, {
      ...names,
      maxDeliver: 2,
      deadLetterRetries: 3,
      ackWaitMs: 200,
    });
    expect(updated.config.max_deliver).toBe(5);
    expect(updated.config.ack_wait).toBe(nanos(200));
    expect(updated.config.backoff ?? []).toEqual([]);
    await expect(ensureEventConsumer(nats.jsm, { ...names, maxDeliver: 0 })).rejects.toThrow(
      RangeError,
    );
    await expect(ensureEventConsumer(nats.jsm, { ...names, deadLetterRetries: 0 })).rejects.toThrow(
      RangeError,
    );
    await expect(ensureEventConsumer(nats.jsm, { ...names, ackWaitMs: 0 })).rejects.toThrow(
      RangeError,
    );
  });
});
