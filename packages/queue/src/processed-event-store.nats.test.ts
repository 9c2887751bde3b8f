import { nanos } from "@nats-io/nats-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCloudEvent } from "./cloud-event.ts";
import { consumeEvents } from "./consume-events.ts";
import { ensureEventConsumer } from "./ensure-consumer.ts";
import { ensureEventStreams } from "./ensure-streams.ts";
import { createProcessedEventStore } from "./processed-event-store.ts";
import { publishEvent } from "./publish-event.ts";
import {
  connectNats,
  deleteStreams,
  type NatsTestContext,
  spansNamed,
  testTopology,
  useTestTelemetry,
  waitFor,
} from "./test-utils.ts";
import { eventSubject } from "./topology.ts";

const telemetry = useTestTelemetry();
const names = testTopology();
const subject = eventSubject("todo.updated", names.subjectPrefix);
let admin: NatsTestContext;

beforeAll(async () => {
  admin = await connectNats();
  // A tiny dedup window lets the test send the same event id twice, as a redelivery would.
  await ensureEventStreams(admin.jsm, { ...names, duplicateWindowMs: 100 });
  await ensureEventConsumer(admin.jsm, { ...names, maxDeliver: 3, backoffMs: [1_000] });
});

afterAll(async () => {
  if (!admin) return;
  await deleteStreams(admin.jsm, [names.stream, names.deadLetterStream, `KV_${names.bucket}`]);
  await admin.nc.close();
});

/** One notifier process: its own connection, its own store instance on the shared bucket. */
async function startNotifier(handled: string[]) {
  const nats = await connectNats();
  const processedEvents = await createProcessedEventStore(nats.js, names.bucket, { ttlMs: 60_000 });
  const consumer = await consumeEvents({
    js: nats.js,
    stream: names.stream,
    consumer: names.consumer,
    processedEvents,
    handler: async (event) => {
      handled.push(event.id);
    },
  });
  return {
    async crash() {
      await consumer.stop();
      await nats.nc.close();
    },
  };
}

describe("processed event store (JetStream KV)", () => {
  it("never handles an event twice, even after the consumer restarts", async () => {
    const handled: string[] = [];
    const event = createCloudEvent({
      type: "todo.updated",
      source: "/todo-api",
      data: { todoId: "1" },
    });
    const first = await startNotifier(handled);
    await publishEvent(admin.js, event, { subject });
    await waitFor(() => handled.length === 1, 10_000, "the first delivery");
    await first.crash();

    await new Promise((resolve) => setTimeout(resolve, 250));
    const again = await publishEvent(admin.js, event, { subject });
    expect(again.duplicate).toBe(false);
    const sentinel = createCloudEvent({
      type: "todo.updated",
      source: "/todo-api",
      data: { todoId: "2" },
    });
    await publishEvent(admin.js, sentinel, { subject });

    const second = await startNotifier(handled);
    await waitFor(() => handled.includes(sentinel.id), 10_000, "the sentinel");
    await waitFor(
      async () =>
        (await admin.jsm.consumers.info(names.stream, names.consumer)).num_ack_pending === 0,
    );
    await second.crash();

    expect(handled).toEqual([event.id, sentinel.id]);
    const outcomes = spansNamed(telemetry.spans, `process ${subject}`).map(
      (span) => span.attributes["tracemesh.message.outcome"],
    );
    expect(outcomes).toEqual(["ack", "duplicate", "ack"]);
  });

  it("opens the existing bucket and keeps ids for the configured time", async () => {
    const { js } = admin;
    const store = await createProcessedEventStore(js, names.bucket, { ttlMs: 60_000 });
    const reopened = await createProcessedEventStore(js, names.bucket, { ttlMs: 60_000 });
    const id = crypto.randomUUID();
    expect(await store.has(id)).toBe(false);
    await store.markProcessed(id);
    expect(await reopened.has(id)).toBe(true);
    const info = await admin.jsm.streams.info(`KV_${names.bucket}`);
    expect(info.config.max_age).toBe(nanos(60_000));
    await expect(store.has("not a key!")).rejects.toThrow(TypeError);
  });
});
