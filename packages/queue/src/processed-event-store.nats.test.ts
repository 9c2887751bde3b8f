import { Kvm } from "@nats-io/kv";
import { nanos } from "@nats-io/nats-core";
import { waitFor } from "@tracemesh/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCloudEvent } from "./cloud-event.ts";
import { consumeEvents } from "./consume-events.ts";
import { ensureEventConsumer } from "./ensure-consumer.ts";
import { ensureEventStreams } from "./ensure-streams.ts";
import type { EventHandler } from "./process-message.ts";
import { createProcessedEventStore } from "./processed-event-store.ts";
import { publishEvent } from "./publish-event.ts";
import {
  connectNats,
  consumerSettled,
  deleteTopology,
  holdClaimElsewhere,
  type NatsTestContext,
  spansNamed,
  testTopology,
  useTestTelemetry,
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
  await ensureEventConsumer(admin.jsm, {
    ...names,
    filterSubject: subject,
    maxDeliver: 3,
  });
});

afterAll(async () => {
  if (!admin) return;
  await deleteTopology(admin.jsm, names);
  await admin.nc.close();
});

const todoEvent = (n: number) =>
  createCloudEvent({ type: "todo.updated", source: "/todo-api", data: { todoId: String(n) } });

/** One notifier process: its own connection, its own store instance on the shared bucket. */
async function startNotifier(
  handler: EventHandler,
  options: { consumer?: string; concurrency?: number; claimTtlMs?: number } = {},
) {
  const nats = await connectNats();
  const processedEvents = await createProcessedEventStore(nats.js, names.processedEventsBucket, {
    ttlMs: 60_000,
    claimTtlMs: options.claimTtlMs ?? 60_000,
  });
  const consumer = await consumeEvents({
    js: nats.js,
    stream: names.stream,
    consumer: options.consumer ?? names.consumer,
    deadLetterSubjectPrefix: names.deadLetterSubjectPrefix,
    concurrency: options.concurrency ?? 1,
    backoffMs: [100],
    processedEvents,
    handler,
  });
  return {
    async crash() {
      await consumer.stop();
      await nats.nc.close();
    },
  };
}

/** A consumer of its own for one test, on a subject of its own, with short redelivery. */
async function ownConsumer(name: string, deliveries = { maxDeliver: 3, deadLetterRetries: 10 }) {
  const own = { stream: names.stream, consumer: `${names.consumer}_${name}` };
  const ownSubject = `${names.subjectPrefix}.${name}`;
  await ensureEventConsumer(admin.jsm, {
    ...own,
    filterSubject: ownSubject,
    ...deliveries,
  });
  return { ...own, subject: ownSubject };
}

function outcomesOf(eventId: string, spanName: string): string[] {
  return spansNamed(telemetry.spans, spanName)
    .filter((span) => span.attributes["messaging.message.id"] === eventId)
    .map((span) => String(span.attributes["tracemesh.message.outcome"]));
}

async function claimValue(eventId: string): Promise<Record<string, unknown> | undefined> {
  const kv = await new Kvm(admin.js).open(names.processedEventsBucket);
  const entry = await kv.get(eventId);
  return entry?.operation === "PUT" ? entry.json<Record<string, unknown>>() : undefined;
}

describe("event claims (JetStream KV) in the consumer", () => {
  it("never handles an event twice, even after the consumer restarts", async () => {
    const handled: string[] = [];
    const handler: EventHandler = async (event) => {
      handled.push(event.id);
    };
    const event = todoEvent(1);
    const first = await startNotifier(handler);
    await publishEvent(admin.js, event, { subject });
    await waitFor(() => handled.length === 1, "the first delivery");
    await first.crash();

    await new Promise((resolve) => setTimeout(resolve, 250));
    const again = await publishEvent(admin.js, event, { subject });
    expect(again.duplicate).toBe(false);
    const sentinel = todoEvent(2);
    await publishEvent(admin.js, sentinel, { subject });

    const second = await startNotifier(handler);
    await waitFor(() => handled.includes(sentinel.id), "the sentinel");
    await waitFor(() => consumerSettled(admin, names), "every ack");
    await second.crash();

    expect(handled).toEqual([event.id, sentinel.id]);
    expect(outcomesOf(event.id, `process ${subject}`)).toEqual(["ack", "duplicate"]);
    expect(await claimValue(event.id)).toMatchObject({ state: "delivered" });
  });

  it("two copies of one event handled at once (concurrency 2) are delivered once", async () => {
    const own = await ownConsumer("race");
    const event = todoEvent(3);
    // Two stream messages of one event: a relay that republished it after the dedup window.
    await admin.js.publish(own.subject, JSON.stringify(event), { msgID: `${event.id}-a` });
    await admin.js.publish(own.subject, JSON.stringify(event), { msgID: `${event.id}-b` });
    const handled: number[] = [];
    const notifier = await startNotifier(
      async (_, delivery) => {
        handled.push(delivery.streamSequence);
        // Long enough for the other copy to arrive while this one is being delivered.
        await new Promise((resolve) => setTimeout(resolve, 400));
      },
      { consumer: own.consumer, concurrency: 2, claimTtlMs: 1_500 },
    );
    await waitFor(() => consumerSettled(admin, own), "both copies settled");
    await notifier.crash();

    expect(handled).toHaveLength(1);
    // The copy that lost the claim waited instead of delivering, then was acked as a duplicate.
    expect(outcomesOf(event.id, `process ${own.subject}`).sort()).toEqual([
      "ack",
      "deferred",
      "duplicate",
    ]);
  });

  it("a live claim defers the delivery; a stale one (its holder crashed) is taken over", async () => {
    const own = await ownConsumer("stale");
    const [held, stale] = [todoEvent(4), todoEvent(5)];
    const kv = await new Kvm(admin.js).open(names.processedEventsBucket);
    const claim = (claimedAt: Date) =>
      JSON.stringify({ state: "claimed", holder: "crashed", claimedAt: claimedAt.toISOString() });
    await kv.put(held.id, claim(new Date()));
    await kv.put(stale.id, claim(new Date(Date.now() - 3_600_000)));
    const deliveries: { id: string; at: number }[] = [];
    const started = Date.now();
    const notifier = await startNotifier(
      async (event) => {
        deliveries.push({ id: event.id, at: Date.now() - started });
      },
      { consumer: own.consumer, claimTtlMs: 1_500 },
    );
    await publishEvent(admin.js, held, { subject: own.subject });
    await publishEvent(admin.js, stale, { subject: own.subject });
    await waitFor(() => consumerSettled(admin, own), "both settled");
    await notifier.crash();

    expect(deliveries.map((each) => each.id)).toEqual([stale.id, held.id]);
    // The held one waited for its claim to go stale (1.5 s after it was written).
    expect(deliveries[1]?.at).toBeGreaterThanOrEqual(1_000);
    expect(outcomesOf(held.id, `process ${own.subject}`)).toEqual(["deferred", "ack"]);
    expect(outcomesOf(stale.id, `process ${own.subject}`)).toEqual(["ack"]);
    expect(await claimValue(held.id)).toMatchObject({ state: "delivered" });
    expect(await claimValue(stale.id)).toMatchObject({ state: "delivered" });
  });

  it("a delivery still deferred at the server's last one is dead-lettered, never left uncounted", async () => {
    // Two deliveries in all: one the handler may have, one more for the dead letter.
    const own = await ownConsumer("last", { maxDeliver: 1, deadLetterRetries: 1 });
    const event = todoEvent(7);
    // Another copy of the event is being handled, and keeps its claim fresh throughout.
    const stopHolding = await holdClaimElsewhere(admin.js, names.processedEventsBucket, event.id);
    const handled: string[] = [];
    const notifier = await startNotifier(
      async (received) => {
        handled.push(received.id);
      },
      { consumer: own.consumer, claimTtlMs: 1_000 },
    );
    try {
      await publishEvent(admin.js, event, { subject: own.subject });
      await waitFor(
        () => outcomesOf(event.id, `process ${own.subject}`).length === 2,
        "both deliveries",
        10_000,
      );
      await waitFor(() => consumerSettled(admin, own), "the dead letter's ack", 5_000);
    } finally {
      stopHolding();
      await notifier.crash();
    }

    expect(handled).toEqual([]);
    expect(outcomesOf(event.id, `process ${own.subject}`)).toEqual(["deferred", "dead_letter"]);
  });

  it("a failed delivery releases its claim, so the retry claims it and delivers at once", async () => {
    const own = await ownConsumer("release");
    const event = todoEvent(6);
    const attempts: number[] = [];
    let released: Record<string, unknown> | undefined | "unread" = "unread";
    // A claim that never goes stale within the test: only its release lets the retry in.
    const notifier = await startNotifier(
      async (_, delivery) => {
        attempts.push(delivery.deliveryCount);
        if (delivery.deliveryCount === 1) throw new Error("webhook unavailable");
        released = await claimValue(event.id);
      },
      { consumer: own.consumer, claimTtlMs: 60_000 },
    );
    await publishEvent(admin.js, event, { subject: own.subject });
    await waitFor(() => consumerSettled(admin, own), "the retry's ack", 5_000);
    await notifier.crash();

    expect(attempts).toEqual([1, 2]);
    // During the retry the key held the retry's own fresh claim, not the failed one's.
    expect(released).toMatchObject({ state: "claimed" });
    expect(outcomesOf(event.id, `process ${own.subject}`)).toEqual(["retry", "ack"]);
    expect(await claimValue(event.id)).toMatchObject({ state: "delivered" });
  });
});

describe("event claims (JetStream KV), the store itself", () => {
  it("gives a free event to exactly one of concurrent claimants", async () => {
    const stores = await Promise.all(
      [1, 2, 3, 4, 5].map(() =>
        createProcessedEventStore(admin.js, names.processedEventsBucket, { ttlMs: 60_000 }),
      ),
    );
    const id = crypto.randomUUID();
    const claims = await Promise.all(stores.map((store, n) => store.claim(id, `holder-${n}`)));
    const won = claims.filter((claim) => claim.status === "claimed");
    expect(won).toHaveLength(1);
    expect(claims.filter((claim) => claim.status === "held")).toHaveLength(4);
  });

  it("goes claimed → delivered, or claimed → released → claimed again", async () => {
    const store = await createProcessedEventStore(admin.js, names.processedEventsBucket, {
      ttlMs: 60_000,
      claimTtlMs: 60_000,
    });
    const reopened = await createProcessedEventStore(admin.js, names.processedEventsBucket, {
      ttlMs: 60_000,
    });
    const id = crypto.randomUUID();
    const first = await store.claim(id, "a");
    if (first.status !== "claimed") throw new Error("not claimed");
    expect(await reopened.claim(id, "b")).toMatchObject({ status: "held", holder: "a" });
    await store.release(id, first.revision);
    const second = await reopened.claim(id, "b");
    if (second.status !== "claimed") throw new Error("not claimed again");
    // A release with a revision that is no longer the key's changes nothing.
    await store.release(id, first.revision);
    expect(await store.claim(id, "c")).toMatchObject({ status: "held", holder: "b" });
    expect(await reopened.markDelivered(id, second.revision)).toBe(true);
    expect(await store.claim(id, "c")).toEqual({ status: "delivered" });

    const info = await admin.jsm.streams.info(`KV_${names.processedEventsBucket}`);
    expect(info.config.max_age).toBe(nanos(60_000));
    await expect(store.claim("not a key!", "a")).rejects.toThrow(TypeError);
  });

  it("takes an id whose value is unreadable (not a claim) as delivered", async () => {
    const store = await createProcessedEventStore(admin.js, names.processedEventsBucket, {
      ttlMs: 60_000,
    });
    const kv = await new Kvm(admin.js).open(names.processedEventsBucket);
    const id = crypto.randomUUID();
    await kv.put(id, new Date().toISOString());
    expect(await store.claim(id, "a")).toEqual({ status: "delivered" });
  });
});
