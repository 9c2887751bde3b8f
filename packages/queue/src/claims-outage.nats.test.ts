import { jetstream } from "@nats-io/jetstream";
import { captureLogger } from "@tracemesh/logger/testing";
import { waitFor } from "@tracemesh/testing";
import { describe, expect, it } from "vitest";
import { createCloudEvent } from "./cloud-event.ts";
import { consumeEvents } from "./consume-events.ts";
import { DEAD_LETTER_HEADERS } from "./dead-letter.ts";
import { ensureEventConsumer } from "./ensure-consumer.ts";
import { createProcessedEventStore } from "./processed-event-store.ts";
import { publishEvent } from "./publish-event.ts";
import {
  consumerSettled,
  deleteStreams,
  metricValue,
  storedMessages,
  useTestStreams,
  useTestTelemetry,
} from "./test-utils.ts";

// The claims bucket (JetStream KV) away for longer than the whole redelivery schedule: the
// last delivery cannot claim its event, and must not leave it unacked and uncounted.
const telemetry = useTestTelemetry();
const { names, nats } = useTestStreams();
// Against a bucket whose stream is gone (or has lost its quorum) each claim waits out the
// client's request timeout: 1 s here, two deliveries, with room to spare.
const CLAIM_TIMEOUT_MS = 1_000;
const CLAIMS_MS = 20_000;

/** A consumer on a subject of its own whose claims bucket is gone: every claim fails. */
async function consumerWithoutClaims(name: string, deadLetterPrefix: string) {
  const consumer = `${names.consumer}_${name}`;
  const subject = `${names.subjectPrefix}.${name}`;
  // Two server deliveries in all: one for the handler, one more to dead-letter.
  await ensureEventConsumer(nats.jsm, {
    stream: names.stream,
    consumer,
    filterSubject: subject,
    maxDeliver: 1,
    deadLetterRetries: 1,
  });
  const bucket = `${names.processedEventsBucket}_${name}`;
  const js = jetstream(nats.nc, { timeout: CLAIM_TIMEOUT_MS });
  const processedEvents = await createProcessedEventStore(js, bucket);
  await deleteStreams(nats.jsm, [`KV_${bucket}`]);
  const event = createCloudEvent({ type: "todo.created", source: "/todo-api", data: {} });
  const ack = await publishEvent(nats.js, event, { subject });
  const logs = captureLogger({ service: "queue-test" });
  const handled: string[] = [];
  const running = await consumeEvents({
    js: nats.js,
    stream: names.stream,
    consumer,
    deadLetterSubjectPrefix: deadLetterPrefix,
    processedEvents,
    logger: logs.logger,
    maxDeliver: 1,
    backoffMs: [50],
    async handler(received) {
      handled.push(received.id);
    },
  });
  return { consumer, event, ack, logs, handled, running };
}

describe("the claims bucket away at the last delivery", () => {
  it("dead-letters the message, counted, without running the handler", async () => {
    const { consumer, event, handled, running } = await consumerWithoutClaims(
      "claims_away",
      names.deadLetterSubjectPrefix,
    );
    const ours = async () =>
      (await storedMessages(nats.jsm, names.deadLetterStream)).find(
        (msg) => msg.header.get(DEAD_LETTER_HEADERS.consumer) === consumer,
      );
    await waitFor(async () => (await ours()) !== undefined, "the dead letter", CLAIMS_MS);
    await waitFor(() => consumerSettled(nats, { stream: names.stream, consumer }), "its term");
    await running.stop();

    const letter = await ours();
    expect(letter?.json<{ id: string }>().id).toBe(event.id);
    expect(letter?.header.get(DEAD_LETTER_HEADERS.reason)).toBe("claim_failed");
    expect(letter?.header.get(DEAD_LETTER_HEADERS.attempts)).toBe("2");
    expect(handled).toEqual([]);
    expect(
      await metricValue(telemetry.reader, "tracemesh.queue.messages.dead_lettered", {
        "messaging.consumer.group.name": consumer,
        "tracemesh.dead_letter.reason": "claim_failed",
      }),
    ).toBe(1);
  });

  it("counts it stranded when the dead-letter stream is away too", async () => {
    const { consumer, event, ack, logs, running } = await consumerWithoutClaims(
      "both_away",
      `${names.deadLetterSubjectPrefix}nowhere`,
    );
    const stranded = async () =>
      (await logs.lines()).find((line) => line.event === "queue.message.stranded");
    await waitFor(async () => (await stranded()) !== undefined, "the stranded line", CLAIMS_MS);
    await running.stop();

    expect(await stranded()).toMatchObject({
      level: "error",
      eventId: event.id,
      streamSequence: ack.seq,
      reason: "claim_failed",
      deliveryCount: 2,
    });
    expect(
      await metricValue(telemetry.reader, "tracemesh.queue.messages.stranded", {
        "messaging.consumer.group.name": consumer,
      }),
    ).toBe(1);
  });
});
