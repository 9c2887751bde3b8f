import { jetstream } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { context, propagation, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { DependencyError } from "@tracemesh/errors";
import { captureLogger } from "@tracemesh/logger/testing";
import { TEST_NATS_URL, waitFor } from "@tracemesh/testing";
import { beforeEach, describe, expect, it } from "vitest";
import { type CloudEvent, createCloudEvent } from "./cloud-event.ts";
import { consumeEvents } from "./consume-events.ts";
import { ensureEventConsumer } from "./ensure-consumer.ts";
import { publishEvent } from "./publish-event.ts";
import { metricValue, spansNamed, useTestStreams, useTestTelemetry } from "./test-utils.ts";
import { eventSubject } from "./topology.ts";

const telemetry = useTestTelemetry();
const { names, nats } = useTestStreams({ maxDeliver: 3 });
const tracer = trace.getTracer("test");

beforeEach(() => telemetry.spans.reset());

function todoEvent(type: CloudEvent["type"] = "todo.created"): CloudEvent {
  return createCloudEvent({ type, source: "/todo-api", data: { todoId: crypto.randomUUID() } });
}

describe("publish → consume over JetStream", () => {
  it("continues the request's trace: the process span is the send span's child and links to it", async () => {
    const logs = captureLogger({ service: "queue-test" });
    const { logger } = logs;
    const received: {
      event: CloudEvent;
      spanId?: string;
      tenant?: string;
      deliveryCount: number;
    }[] = [];
    const consumer = await consumeEvents({
      js: nats.js,
      stream: names.stream,
      consumer: names.consumer,
      deadLetterSubjectPrefix: names.deadLetterSubjectPrefix,
      logger,
      async handler(event, delivery) {
        received.push({
          event,
          deliveryCount: delivery.deliveryCount,
          spanId: trace.getActiveSpan()?.spanContext().spanId,
          tenant: propagation.getBaggage(context.active())?.getEntry("tenant")?.value,
        });
        logger.info("notifier.delivered", { eventId: event.id });
      },
    });
    const event = todoEvent();
    const subject = eventSubject(event.type, names.subjectPrefix);
    const request = await tracer.startActiveSpan(
      "POST /v1/todos",
      { kind: SpanKind.SERVER },
      async (span) => {
        const bag = propagation.createBaggage({ tenant: { value: "acme" } });
        const ack = await context.with(propagation.setBaggage(context.active(), bag), () =>
          publishEvent(nats.js, event, { subject }),
        );
        span.end();
        return { ack, ids: span.spanContext() };
      },
    );
    await waitFor(() => received.length === 1, "the event to be handled", 10_000);
    await consumer.stop();

    expect(request.ack).toMatchObject({ stream: names.stream, duplicate: false });
    const [send] = spansNamed(telemetry.spans, `send ${subject}`);
    const [processing] = spansNamed(telemetry.spans, `process ${subject}`);
    if (!send || !processing) throw new Error("missing spans");
    const sendIds = send.spanContext();
    expect(send.kind).toBe(SpanKind.PRODUCER);
    expect(send.parentSpanContext?.spanId).toBe(request.ids.spanId);
    expect(send.attributes).toMatchObject({
      "messaging.system": "nats",
      "messaging.operation.type": "send",
      "messaging.destination.name": subject,
      "messaging.message.id": event.id,
    });
    expect(processing.kind).toBe(SpanKind.CONSUMER);
    expect(processing.spanContext().traceId).toBe(request.ids.traceId);
    expect(processing.parentSpanContext?.spanId).toBe(sendIds.spanId);
    expect(processing.links.map((link) => link.context.spanId)).toEqual([sendIds.spanId]);
    expect(processing.attributes).toMatchObject({
      "messaging.system": "nats",
      "messaging.operation.type": "process",
      "messaging.destination.name": subject,
      "messaging.message.id": event.id,
      "messaging.consumer.group.name": names.consumer,
      "tracemesh.message.delivery_count": 1,
      "tracemesh.message.outcome": "ack",
    });

    const [handled] = received;
    expect(handled?.spanId).toBe(processing.spanContext().spanId);
    expect(handled?.tenant).toBe("acme");
    expect(handled?.event).toEqual({
      ...event,
      traceparent: `00-${sendIds.traceId}-${sendIds.spanId}-01`,
    });
    const lines = await logs.lines();
    const line = lines.find((entry) => entry.event === "notifier.delivered");
    expect(line).toMatchObject({
      traceId: request.ids.traceId,
      spanId: processing.spanContext().spanId,
    });

    const attributes = { "messaging.consumer.group.name": names.consumer };
    expect(
      await metricValue(telemetry.reader, "messaging.client.consumed.messages", attributes),
    ).toBe(1);
    expect(await metricValue(telemetry.reader, "tracemesh.queue.messages.acked", attributes)).toBe(
      1,
    );
  });

  it("stores a re-published event id once (Nats-Msg-Id) and delivers it once", async () => {
    const event = todoEvent("todo.updated");
    const subject = eventSubject(event.type, names.subjectPrefix);
    const first = await publishEvent(nats.js, event, { subject });
    const second = await publishEvent(nats.js, event, { subject });
    expect(first.duplicate).toBe(false);
    expect(second).toMatchObject({ duplicate: true, seq: first.seq });
    expect(
      spansNamed(telemetry.spans, `send ${subject}`)[1]?.attributes["tracemesh.nats.duplicate"],
    ).toBe(true);

    const sentinel = todoEvent("todo.deleted");
    await publishEvent(nats.js, sentinel, {
      subject: eventSubject(sentinel.type, names.subjectPrefix),
    });
    const handled: string[] = [];
    const consumer = await consumeEvents({
      js: nats.js,
      stream: names.stream,
      consumer: names.consumer,
      deadLetterSubjectPrefix: names.deadLetterSubjectPrefix,
      handler: async (received) => {
        handled.push(received.id);
      },
    });
    await waitFor(() => handled.includes(sentinel.id), "the sentinel event", 10_000);
    await consumer.stop();
    expect(handled).toEqual([event.id, sentinel.id]);
  });

  it("reports consumer lag and processing duration", async () => {
    const events = [1, 2, 3].map(() => todoEvent("todo.deleted"));
    const subject = eventSubject("todo.deleted", names.subjectPrefix);
    for (const event of events) await publishEvent(nats.js, event, { subject });
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const handled: string[] = [];
    const consumer = await consumeEvents({
      js: nats.js,
      stream: names.stream,
      consumer: names.consumer,
      deadLetterSubjectPrefix: names.deadLetterSubjectPrefix,
      handler: async (event) => {
        await gate;
        handled.push(event.id);
      },
    });
    const lag = () =>
      metricValue(telemetry.reader, "tracemesh.queue.consumer.lag", {
        "messaging.consumer.group.name": names.consumer,
      });
    await waitFor(async () => (await lag()) === 2, "a lag of two", 5_000);
    release();
    await waitFor(() => handled.length === 3, "all three events", 10_000);
    expect(await lag()).toBe(0);
    await consumer.stop();
    const { resourceMetrics } = await telemetry.reader.collect();
    const duration = resourceMetrics.scopeMetrics
      .flatMap((scope) => scope.metrics)
      .find((metric) => metric.descriptor.name === "messaging.process.duration");
    expect(duration?.descriptor.unit).toBe("s");
    const acked = duration?.dataPoints.find(
      (point) => point.attributes["tracemesh.message.outcome"] === "ack",
    );
    expect(acked?.value).toMatchObject({ count: expect.any(Number) });
  });

  it("keeps the lag gauge moving while the consumer is stalled and no message arrives", async () => {
    const consumerName = `${names.consumer}_stalled`;
    const subject = `${names.subjectPrefix}.stalled`;
    await ensureEventConsumer(nats.jsm, {
      stream: names.stream,
      consumer: consumerName,
      filterSubject: subject,
      maxDeliver: 3,
    });
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let started = 0;
    let handled = 0;
    const consumer = await consumeEvents({
      js: nats.js,
      stream: names.stream,
      consumer: consumerName,
      deadLetterSubjectPrefix: names.deadLetterSubjectPrefix,
      lagRefreshMs: 100,
      handler: async () => {
        started += 1;
        await gate;
        handled += 1;
      },
    });
    const lag = () =>
      metricValue(telemetry.reader, "tracemesh.queue.consumer.lag", {
        "messaging.consumer.group.name": consumerName,
      });
    await publishEvent(nats.js, todoEvent(), { subject });
    // Published before the others, so that only the server's count can show them.
    await waitFor(
      async () => started === 1 && handled === 0 && (await lag()) === 0,
      "the first event in hand",
    );
    // The handler is stuck on the first event: nothing is pulled, yet the backlog grows.
    for (let n = 0; n < 3; n++) await publishEvent(nats.js, todoEvent(), { subject });
    await waitFor(async () => (await lag()) === 3, "a lag of three while stalled", 5_000);
    release();
    await waitFor(() => handled === 4, "the backlog");
    await waitFor(async () => (await lag()) === 0, "the lag back to zero", 5_000);
    await consumer.stop();
  });

  it("turns broker failures into DependencyError and an ERROR send span", async () => {
    const event = todoEvent();
    const nowhere = `nowhere.${names.consumer}`;
    const noStream = await publishEvent(nats.js, event, { subject: nowhere }).catch(
      (error: unknown) => error,
    );
    expect(noStream).toBeInstanceOf(DependencyError);
    expect(noStream).toMatchObject({ dependency: "nats", code: "SERVICE_UNAVAILABLE" });
    const [failed] = spansNamed(telemetry.spans, `send ${nowhere}`);
    expect(failed?.status.code).toBe(SpanStatusCode.ERROR);
    expect(failed?.attributes["error.type"]).toBeTypeOf("string");

    const closed = await connect({ servers: TEST_NATS_URL });
    await closed.close();
    const subject = eventSubject(event.type, names.subjectPrefix);
    const afterClose = await publishEvent(jetstream(closed), event, { subject }).catch(
      (error: unknown) => error,
    );
    expect(afterClose).toBeInstanceOf(DependencyError);
    expect((afterClose as DependencyError).cause).toBeInstanceOf(Error);
  });

  it("handles events side by side, but a todo's own one after the other, in the stream's order", async () => {
    const started: string[] = [];
    let releaseFirst: () => void = () => {};
    const firstHeld = new Promise<void>((resolve) => {
      releaseFirst = resolve;
    });
    const consumer = await consumeEvents({
      js: nats.js,
      stream: names.stream,
      consumer: names.consumer,
      deadLetterSubjectPrefix: names.deadLetterSubjectPrefix,
      concurrency: 4,
      async handler(event) {
        // Earlier tests' events may still be in the stream: only this test's count.
        const { step } = (event.data ?? {}) as { step?: string };
        if (step === undefined) return;
        started.push(step);
        if (step === "a1") await firstHeld;
      },
    });
    const of = (todo: string, step: string) =>
      createCloudEvent({
        type: "todo.updated",
        source: "/todo-api",
        subject: todo,
        data: { step },
      });
    const subject = eventSubject("todo.updated", names.subjectPrefix);
    for (const event of [of("a", "a1"), of("a", "a2"), of("b", "b1")]) {
      await publishEvent(nats.js, event, { subject });
    }
    // b1 is not held back by todo a's first event; a2 is.
    await waitFor(() => started.includes("b1"), "todo b's event, alongside");
    expect(started).toEqual(["a1", "b1"]);
    releaseFirst();
    await waitFor(() => started.includes("a2"), "todo a's second event");
    await consumer.stop();
    expect(started).toEqual(["a1", "b1", "a2"]);
  });
});
