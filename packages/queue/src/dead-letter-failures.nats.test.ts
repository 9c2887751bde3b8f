import { captureLogger } from "@tracemesh/logger/testing";
import { waitFor } from "@tracemesh/testing";
import { describe, expect, it } from "vitest";
import { type CloudEvent, createCloudEvent } from "./cloud-event.ts";
import { consumeEvents } from "./consume-events.ts";
import { DEAD_LETTER_HEADERS } from "./dead-letter.ts";
import { ensureEventConsumer } from "./ensure-consumer.ts";
import { PermanentEventError } from "./permanent-event-error.ts";
import { publishEvent } from "./publish-event.ts";
import {
  consumerSettled,
  deleteStreams,
  metricValue,
  storedMessages,
  useTestStreams,
  useTestTelemetry,
} from "./test-utils.ts";

// When dead-lettering cannot wait (an event no retry can help) and when it fails (the
// dead-letter stream away): never lost silently.
const telemetry = useTestTelemetry();
const { names, nats } = useTestStreams();

interface OwnConsumerOptions {
  maxDeliver: number;
  deadLetterRetries?: number;
  deadLetterPrefix?: string;
}

/** A consumer of its own for one test, on a subject of its own, with short redelivery. */
async function ownConsumer(name: string, options: OwnConsumerOptions) {
  const consumer = `${names.consumer}_${name}`;
  const subject = `${names.subjectPrefix}.${name}`;
  const backoffMs = [50, 100];
  await ensureEventConsumer(nats.jsm, {
    stream: names.stream,
    consumer,
    filterSubject: subject,
    maxDeliver: options.maxDeliver,
    ...(options.deadLetterRetries === undefined
      ? {}
      : { deadLetterRetries: options.deadLetterRetries }),
  });
  const consume = {
    js: nats.js,
    stream: names.stream,
    consumer,
    deadLetterSubjectPrefix: options.deadLetterPrefix ?? names.deadLetterSubjectPrefix,
    maxDeliver: options.maxDeliver,
    backoffMs,
  };
  return { stream: names.stream, consumer, subject, consume };
}

describe("dead-lettering when it cannot wait or cannot succeed", () => {
  it("dead-letters at once, handler called once, an event its handler declares unprocessable", async () => {
    const own = await ownConsumer("unprocessable", { maxDeliver: 5 });
    const event = createCloudEvent({
      type: "todo.created",
      source: "/todo-api",
      data: { ownerId: 7 },
    });
    await publishEvent(nats.js, event, { subject: own.subject });
    let calls = 0;
    const consumer = await consumeEvents({
      ...own.consume,
      async handler() {
        calls += 1;
        throw new PermanentEventError("todo event data unusable: ownerId: not a string");
      },
    });
    await waitFor(() => consumerSettled(nats, own), "the message settled");
    await consumer.stop();
    const [letter] = await storedMessages(nats.jsm, names.deadLetterStream);
    expect(calls).toBe(1);
    expect(letter?.header.get(DEAD_LETTER_HEADERS.reason)).toBe("unprocessable");
    expect(letter?.header.get(DEAD_LETTER_HEADERS.attempts)).toBe("1");
    expect(letter?.header.get(DEAD_LETTER_HEADERS.error)).toContain("ownerId: not a string");
  });

  it("reports its stranded and failed dead-letter counters at 0 from the start, before any loss", async () => {
    const own = await ownConsumer("zero", { maxDeliver: 1 });
    const consumer = await consumeEvents({ ...own.consume, async handler() {} });
    await consumer.stop();
    const { resourceMetrics } = await telemetry.reader.collect();
    const values = (name: string) => {
      const found: unknown[] = [];
      for (const metric of resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics)) {
        if (metric.descriptor.name !== name) continue;
        for (const point of metric.dataPoints) {
          if (point.attributes["messaging.consumer.group.name"] === own.consumer) {
            found.push(point.value);
          }
        }
      }
      return found;
    };
    expect(values("tracemesh.queue.messages.stranded")).toEqual([0]);
    expect(values("tracemesh.queue.dead_letter.failures")).toEqual([0]);
  });

  it("retries a failed dead-letter publish past the handler's attempts until it succeeds", async () => {
    // A dead-letter prefix no stream takes yet: publishing there fails like a DLQ outage.
    const lateDlq = {
      name: `${names.deadLetterStream}_LATE`,
      prefix: `${names.deadLetterSubjectPrefix}late`,
    };
    const own = await ownConsumer("dlq_down", { maxDeliver: 2, deadLetterPrefix: lateDlq.prefix });
    const event = createCloudEvent({ type: "todo.created", source: "/todo-api", data: {} });
    await publishEvent(nats.js, event, { subject: own.subject });
    const logs = captureLogger({ service: "queue-test" });
    const failures = async () =>
      (await logs.lines()).filter((line) => line.event === "queue.dead_letter.failed").length;
    const consumer = await consumeEvents({
      ...own.consume,
      logger: logs.logger,
      async handler() {
        throw new Error("webhook unavailable");
      },
    });
    // Three failed publishes: a server limit of maxDeliver + 1 deliveries would allow only two.
    await waitFor(async () => (await failures()) >= 3, "three failed dead-letter publishes");
    const info = await nats.jsm.consumers.info(names.stream, own.consumer);
    expect(info.num_ack_pending + info.num_pending).toBe(1);
    await nats.jsm.streams.add({ name: lateDlq.name, subjects: [`${lateDlq.prefix}.>`] });
    try {
      await waitFor(() => consumerSettled(nats, own), "the dead letter, at last");
      await consumer.stop();
      const stored = await storedMessages(nats.jsm, lateDlq.name);
      expect(stored.map((msg) => msg.json<CloudEvent>().id)).toEqual([event.id]);
      expect(
        await metricValue(telemetry.reader, "tracemesh.queue.dead_letter.failures", {
          "messaging.consumer.group.name": own.consumer,
        }),
      ).toBeGreaterThanOrEqual(3);
    } finally {
      await deleteStreams(nats.jsm, [lateDlq.name]);
    }
  });

  it("says so, with the stream sequence, when the last delivery could not be dead-lettered", async () => {
    const own = await ownConsumer("stranded", {
      maxDeliver: 1,
      deadLetterRetries: 1,
      deadLetterPrefix: `${names.deadLetterSubjectPrefix}nowhere`,
    });
    const event = createCloudEvent({ type: "todo.created", source: "/todo-api", data: {} });
    const ack = await publishEvent(nats.js, event, { subject: own.subject });
    const logs = captureLogger({ service: "queue-test" });
    const consumer = await consumeEvents({
      ...own.consume,
      logger: logs.logger,
      async handler() {
        throw new Error("webhook unavailable");
      },
    });
    const stranded = async () =>
      (await logs.lines()).find((line) => line.event === "queue.message.stranded");
    await waitFor(async () => (await stranded()) !== undefined, "the stranded line");
    await consumer.stop();
    expect(await stranded()).toMatchObject({
      level: "error",
      eventId: event.id,
      streamSequence: ack.seq,
      stream: names.stream,
      deliveryCount: 2,
    });
    expect(
      await metricValue(telemetry.reader, "tracemesh.queue.messages.stranded", {
        "messaging.consumer.group.name": own.consumer,
      }),
    ).toBe(1);
    // Still in the stream, for whoever reads the line to replay.
    expect((await nats.jsm.streams.getMessage(names.stream, { seq: ack.seq }))?.subject).toBe(
      own.subject,
    );
  });
});
