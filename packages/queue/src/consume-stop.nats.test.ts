import { waitFor } from "@tracemesh/testing";
import { describe, expect, it } from "vitest";
import { createCloudEvent } from "./cloud-event.ts";
import { consumeEvents } from "./consume-events.ts";
import { ensureEventConsumer } from "./ensure-consumer.ts";
import { createProcessedEventStore } from "./processed-event-store.ts";
import { publishEvent } from "./publish-event.ts";
import {
  connectNats,
  consumerSettled,
  holdClaimElsewhere,
  spansNamed,
  useTestStreams,
  useTestTelemetry,
} from "./test-utils.ts";
import { eventSubject } from "./topology.ts";

const telemetry = useTestTelemetry();
// ack_wait is 20 s, so only a nak brings a message back quickly.
const { names, nats } = useTestStreams({ maxDeliver: 3, ackWaitMs: 20_000 });
const subject = eventSubject("todo.created", names.subjectPrefix);

describe("consumer stop()", () => {
  it("finishes running handlers, hands back what arrives meanwhile, and resolves once drained", async () => {
    const event = (n: number) =>
      createCloudEvent({ type: "todo.created", source: "/todo-api", data: { n } });
    const [early, late] = [[1, 2].map(event), [3, 4, 5, 6].map(event)];
    for (const each of early) await publishEvent(nats.js, each, { subject });
    const started: string[] = [];
    const finished: string[] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const first = await consumeEvents({
      js: nats.js,
      stream: names.stream,
      consumer: names.consumer,
      deadLetterSubjectPrefix: names.deadLetterSubjectPrefix,
      concurrency: 3,
      pullExpiresMs: 5_000,
      backoffMs: [20_000],
      handler: async (received) => {
        started.push(received.id);
        await gate;
        await new Promise((resolve) => setTimeout(resolve, 100));
        finished.push(received.id);
      },
    });
    await waitFor(() => started.length === 2, "two handlers to start", 10_000);
    // The third slot's pull is open: what it brings after stop() must go back, unhandled.
    let stopped = false;
    const stopping = first.stop().then(() => {
      stopped = true;
    });
    for (const each of late) await publishEvent(nats.js, each, { subject });
    // The open pull takes a late event (a third delivery), which stop() must hand back.
    await waitFor(
      async () =>
        (await nats.jsm.consumers.info(names.stream, names.consumer)).delivered.consumer_seq >= 3,
      "the open pull to take a late event",
      5_000,
    );
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(finished.sort()).toEqual(early.map((each) => each.id).sort());
    expect(started).toHaveLength(2);

    const later: { id: string; deliveryCount: number }[] = [];
    const second = await consumeEvents({
      js: nats.js,
      stream: names.stream,
      consumer: names.consumer,
      deadLetterSubjectPrefix: names.deadLetterSubjectPrefix,
      handler: async (received, delivery) => {
        later.push({ id: received.id, deliveryCount: delivery.deliveryCount });
      },
    });
    // Well under ack_wait (20 s): the message the first consumer got after stop() was naked.
    await waitFor(() => later.length === 4, "the four late events", 5_000);
    await second.stop();
    expect(later.map((each) => each.id).sort()).toEqual(late.map((each) => each.id).sort());
    expect(later.filter((each) => each.deliveryCount === 2)).toHaveLength(1);
    const info = await nats.jsm.consumers.info(names.stream, names.consumer);
    expect(info.num_ack_pending).toBe(0);
    expect(info.num_pending).toBe(0);
  });
});

describe("consumer and its connection", () => {
  it("ends its loop when its connection closes", async () => {
    const own = await connectNats();
    let finished = 0;
    const consumer = await consumeEvents({
      js: own.js,
      stream: names.stream,
      consumer: names.consumer,
      deadLetterSubjectPrefix: names.deadLetterSubjectPrefix,
      restartDelayMs: 50,
      handler: async () => {
        finished += 1;
      },
    });
    await own.nc.close();
    const ended = await Promise.race([
      consumer.done.then(() => "ended"),
      new Promise((resolve) => setTimeout(() => resolve("still running"), 3_000)),
    ]);
    expect(ended).toBe("ended");
    await consumer.stop();
    expect(finished).toBe(0);
  });
  it("handles a message at its last delivery that arrives after stop(), never strands it", async () => {
    // Two deliveries in all: one for the handler, one more for the dead letter.
    const last = { stream: names.stream, consumer: `${names.consumer}_last` };
    const lastSubject = eventSubject("todo.updated", names.subjectPrefix);
    await ensureEventConsumer(nats.jsm, {
      ...last,
      filterSubject: lastSubject,
      maxDeliver: 1,
      deadLetterRetries: 1,
      ackWaitMs: 20_000,
    });
    const event = (n: number) =>
      createCloudEvent({ type: "todo.updated", source: "/todo-api", data: { n } });
    const [busy, deferred] = [event(1), event(2)];
    // Another copy of `deferred` is being handled elsewhere: its claim stays fresh, so each
    // delivery here is deferred (a nak until the claim would go stale, 1 s).
    const processedEvents = await createProcessedEventStore(nats.js, names.processedEventsBucket, {
      claimTtlMs: 1_000,
    });
    const stopHolding = await holdClaimElsewhere(nats.js, names.processedEventsBucket, deferred.id);
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const consumer = await consumeEvents({
      js: nats.js,
      ...last,
      deadLetterSubjectPrefix: names.deadLetterSubjectPrefix,
      concurrency: 2,
      pullExpiresMs: 5_000,
      maxDeliver: 1,
      processedEvents,
      handler: async () => {
        await gate;
      },
    });
    try {
      await publishEvent(nats.js, busy, { subject: lastSubject });
      await publishEvent(nats.js, deferred, { subject: lastSubject });
      const outcomes = () =>
        spansNamed(telemetry.spans, `process ${lastSubject}`)
          .filter((span) => span.attributes["messaging.message.id"] === deferred.id)
          .map((span) => String(span.attributes["tracemesh.message.outcome"]));
      // Its first delivery was deferred, and a pull for the free slot is open.
      await waitFor(
        async () =>
          outcomes().length === 1 &&
          (await nats.jsm.consumers.info(last.stream, last.consumer)).num_waiting > 0,
        "the deferred first delivery and an open pull",
        5_000,
      );
      const stopping = consumer.stop();
      // Its last delivery comes into that pull after stop(): handed back, nobody would see it.
      await waitFor(() => outcomes().length === 2, "its last delivery", 5_000);
      release();
      await stopping;

      expect(outcomes()).toEqual(["deferred", "dead_letter"]);
      // Nothing left behind: acked and terminated, not waiting for a delivery that never comes.
      await waitFor(() => consumerSettled(nats, last), "both messages settled", 5_000);
    } finally {
      stopHolding();
      release();
    }
  });
});
