import type { StoredMsg } from "@nats-io/jetstream";
import { headers, type MsgHdrs } from "@nats-io/nats-core";
import { SpanStatusCode, trace } from "@opentelemetry/api";
import { captureLogger } from "@tracemesh/logger/testing";
import { waitFor } from "@tracemesh/testing";
import { describe, expect, it } from "vitest";
import { type CloudEvent, createCloudEvent } from "./cloud-event.ts";
import { consumeEvents } from "./consume-events.ts";
import { DEAD_LETTER_HEADERS } from "./dead-letter.ts";
import { ensureEventConsumer } from "./ensure-consumer.ts";
import { publishEvent } from "./publish-event.ts";
import { metricValue, spansNamed, useTestStreams, useTestTelemetry } from "./test-utils.ts";
import { eventSubject } from "./topology.ts";

const telemetry = useTestTelemetry();
const { names, nats } = useTestStreams();

async function deadLetters() {
  const info = await nats.jsm.streams.info(names.deadLetterStream);
  const stored: StoredMsg[] = [];
  if (info.state.messages === 0) return stored;
  for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
    const msg = await nats.jsm.streams.getMessage(names.deadLetterStream, { seq });
    if (msg) stored.push(msg);
  }
  return stored;
}

function header(hdrs: MsgHdrs, key: string): string {
  return hdrs.get(key);
}

describe("dead-lettering", () => {
  it("moves a poison event to the DLQ after maxDeliver attempts, with its trace and the reason, while others flow", async () => {
    await ensureEventConsumer(nats.jsm, { ...names, maxDeliver: 3 });
    const subject = eventSubject("todo.created", names.subjectPrefix);
    const event = (poison: boolean): CloudEvent =>
      createCloudEvent({ type: "todo.created", source: "/todo-api", data: { poison } });
    const [good1, poison, good2] = [event(false), event(true), event(false)];
    const tracer = trace.getTracer("test");
    const publishAll = async () => {
      for (const each of [good1, poison, good2]) await publishEvent(nats.js, each, { subject });
    };
    const traceId = await tracer.startActiveSpan("POST /v1/todos", async (span) => {
      await publishAll();
      span.end();
      return span.spanContext().traceId;
    });
    const malformedHeaders = headers();
    malformedHeaders.set("traceparent", `00-${traceId}-00f067aa0ba902b7-01`);
    await nats.js.publish(subject, "not a CloudEvent", {
      msgID: "malformed-1",
      headers: malformedHeaders,
    });

    const attempts = new Map<string, number>();
    const order: string[] = [];
    const logs = captureLogger({ service: "queue-test" });
    const { logger } = logs;
    const consumer = await consumeEvents({
      js: nats.js,
      stream: names.stream,
      consumer: names.consumer,
      deadLetterSubjectPrefix: names.deadLetterSubjectPrefix,
      maxDeliver: 3,
      backoffMs: [50, 100],
      concurrency: 2,
      logger,
      async handler(received) {
        attempts.set(received.id, (attempts.get(received.id) ?? 0) + 1);
        order.push(received.id);
        if ((received.data as { poison: boolean }).poison)
          throw new Error("no template for\nthis todo");
      },
    });
    await waitFor(async () => (await deadLetters()).length === 2, "two dead letters", 10_000);
    await waitFor(async () => {
      const info = await nats.jsm.consumers.info(names.stream, names.consumer);
      return info.num_ack_pending === 0 && info.num_pending === 0;
    });
    await consumer.stop();

    expect(Object.fromEntries(attempts)).toEqual({ [good1.id]: 1, [poison.id]: 3, [good2.id]: 1 });
    // The poison event's retries did not hold the others back.
    expect(order.indexOf(good2.id)).toBeLessThan(order.lastIndexOf(poison.id));
    const letters = await deadLetters();
    const poisoned = letters.find(
      (msg) => header(msg.header, DEAD_LETTER_HEADERS.reason) === "handler_failed",
    );
    const malformed = letters.find(
      (msg) => header(msg.header, DEAD_LETTER_HEADERS.reason) === "malformed",
    );
    if (!poisoned || !malformed) throw new Error("missing dead letters");
    const original = await nats.jsm.streams.getMessage(names.stream, { seq: 2 });
    expect(poisoned.subject).toBe(`${names.deadLetterSubjectPrefix}.${subject}`);
    expect(poisoned.json<CloudEvent>().id).toBe(poison.id);
    expect(header(poisoned.header, "traceparent")).toBe(original?.header.get("traceparent"));
    expect(header(poisoned.header, "traceparent")).toContain(traceId);
    expect(header(poisoned.header, "Nats-Msg-Id")).toBe(poison.id);
    expect(header(poisoned.header, DEAD_LETTER_HEADERS.error)).toBe("no template for this todo");
    expect(header(poisoned.header, DEAD_LETTER_HEADERS.attempts)).toBe("3");
    expect(header(poisoned.header, DEAD_LETTER_HEADERS.subject)).toBe(subject);
    expect(header(poisoned.header, DEAD_LETTER_HEADERS.consumer)).toBe(names.consumer);
    expect(malformed.string()).toBe("not a CloudEvent");
    expect(header(malformed.header, "traceparent")).toBe(malformedHeaders.get("traceparent"));
    expect(header(malformed.header, DEAD_LETTER_HEADERS.error)).toContain("body is not JSON");
    expect(header(malformed.header, DEAD_LETTER_HEADERS.attempts)).toBe("1");

    const poisonSpans = spansNamed(telemetry.spans, `process ${subject}`)
      .filter((span) => span.attributes["messaging.message.id"] === poison.id)
      .sort(
        (a, b) =>
          Number(a.attributes["tracemesh.message.delivery_count"]) -
          Number(b.attributes["tracemesh.message.delivery_count"]),
      );
    expect(poisonSpans.map((span) => span.attributes["tracemesh.message.outcome"])).toEqual([
      "retry",
      "retry",
      "dead_letter",
    ]);
    expect(poisonSpans.every((span) => span.spanContext().traceId === traceId)).toBe(true);
    expect(poisonSpans[2]?.status.code).toBe(SpanStatusCode.ERROR);
    expect(poisonSpans[2]?.attributes["tracemesh.dead_letter.reason"]).toBe("handler_failed");
    const gapMs = (a: number, b: number) => {
      const [first, second] = [poisonSpans[a]?.startTime, poisonSpans[b]?.startTime];
      return first && second ? (second[0] - first[0]) * 1000 + (second[1] - first[1]) / 1e6 : 0;
    };
    expect(gapMs(0, 1)).toBeGreaterThanOrEqual(45);
    expect(gapMs(1, 2)).toBeGreaterThanOrEqual(95);

    const deadLettered = "tracemesh.queue.messages.dead_lettered";
    expect(
      await metricValue(telemetry.reader, deadLettered, {
        "tracemesh.dead_letter.reason": "handler_failed",
      }),
    ).toBe(1);
    expect(
      await metricValue(telemetry.reader, deadLettered, {
        "tracemesh.dead_letter.reason": "malformed",
      }),
    ).toBe(1);
    expect(await metricValue(telemetry.reader, "tracemesh.queue.messages.redelivered")).toBe(2);
    const lines = await logs.lines();
    const logged = lines.find(
      (line) => line.event === "queue.message.dead_lettered" && line.eventId === poison.id,
    );
    expect(logged).toMatchObject({
      level: "error",
      traceId,
      reason: "handler_failed",
      deliveryCount: 3,
    });
  });

  it("dead-letters without calling the handler a message whose consumer died at its last attempt", async () => {
    const consumerName = `${names.consumer}_died`;
    const subject = eventSubject("todo.deleted", names.subjectPrefix);
    await ensureEventConsumer(nats.jsm, {
      ...names,
      consumer: consumerName,
      filterSubject: subject,
      maxDeliver: 2,
      // What never acknowledges comes back after ack_wait: short here, for the "dead" consumer.
      ackWaitMs: 100,
    });
    const event = createCloudEvent({
      type: "todo.deleted",
      source: "/todo-api",
      data: { todoId: "9" },
    });
    await publishEvent(nats.js, event, { subject });
    const raw = await nats.js.consumers.get(names.stream, consumerName);
    // Two deliveries never acknowledged: the consumer "died" each time.
    for (const expected of [1, 2]) {
      const msg = await raw.next({ expires: 2_000 });
      expect(msg?.info.deliveryCount).toBe(expected);
    }
    let called = 0;
    const consumer = await consumeEvents({
      js: nats.js,
      stream: names.stream,
      consumer: consumerName,
      deadLetterSubjectPrefix: names.deadLetterSubjectPrefix,
      maxDeliver: 2,
      backoffMs: [100],
      handler: async () => {
        called += 1;
      },
    });
    const isOurs = (msg: { json<T>(): T }) => msg.json<CloudEvent>().id === event.id;
    await waitFor(
      async () => (await deadLetters()).some((msg) => msg.string().startsWith("{") && isOurs(msg)),
      "the dead letter",
      10_000,
    );
    await consumer.stop();
    const letter = (await deadLetters()).find((msg) => msg.string().startsWith("{") && isOurs(msg));
    expect(called).toBe(0);
    expect(letter?.header.get(DEAD_LETTER_HEADERS.reason)).toBe("max_deliver_exceeded");
    expect(letter?.header.get(DEAD_LETTER_HEADERS.attempts)).toBe("3");
  });
});
