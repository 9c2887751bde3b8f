import { context, SpanKind, trace } from "@opentelemetry/api";
import { DependencyError } from "@tracemesh/errors";
import { waitFor } from "@tracemesh/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CloudEvent, createCloudEvent } from "./cloud-event.ts";
import { ensureEventStreams } from "./ensure-streams.ts";
import { createOutboxRelay, type OutboxRecord } from "./outbox-relay.ts";
import { publishEvent } from "./publish-event.ts";
import {
  connectNats,
  memoryOutbox,
  type NatsTestContext,
  type PrivateNatsServer,
  privateNatsServer,
  spansNamed,
  testTopology,
  useTestTelemetry,
} from "./test-utils.ts";
import { eventSubject } from "./topology.ts";
import { captureTraceCarrier, contextFromCarrier } from "./trace-headers.ts";

const telemetry = useTestTelemetry();
const names = testTopology();
const subject = eventSubject("todo.created", names.subjectPrefix);
let server: PrivateNatsServer;
let nats: NatsTestContext;

beforeAll(async () => {
  server = await privateNatsServer();
  nats = await connectNats(server.url);
  await ensureEventStreams(nats.jsm, names);
});

afterAll(async () => {
  await nats?.nc.close();
  await server?.dispose();
});

/** What todo-api does in one transaction: store the todo's event with the request's trace. */
function storeInRequest(n: number): OutboxRecord & { requestSpanId: string } {
  return trace
    .getTracer("test")
    .startActiveSpan("POST /v1/todos", { kind: SpanKind.SERVER }, (span) => {
      const event = createCloudEvent({ type: "todo.created", source: "/todo-api", data: { n } });
      span.end();
      return {
        id: `row-${n}`,
        subject,
        event,
        ...captureTraceCarrier(),
        requestSpanId: span.spanContext().spanId,
      };
    });
}

async function storedEventIds(): Promise<string[]> {
  const info = await nats.jsm.streams.info(names.stream);
  const ids: string[] = [];
  for (
    let seq = info.state.first_seq;
    info.state.messages > 0 && seq <= info.state.last_seq;
    seq++
  ) {
    const msg = await nats.jsm.streams.getMessage(names.stream, { seq });
    if (msg) ids.push(msg.json<CloudEvent>().id);
  }
  return ids;
}

describe("outbox relay against a NATS server that goes away", () => {
  it("marks nothing while NATS is down, then publishes every event exactly once", async () => {
    const records = [1, 2, 3, 4, 5].map(storeInRequest);
    const outbox = memoryOutbox(records);
    const relay = createOutboxRelay({
      source: outbox.source,
      publish: (event, options) => publishEvent(nats.js, event, { ...options, timeoutMs: 500 }),
      batchSize: 2,
      intervalMs: 50,
      maxBackoffMs: 200,
    });
    // A relay that died after NATS acknowledged row-1 but before marking it.
    const [first] = records;
    if (!first) throw new Error("no records");
    await context.with(contextFromCarrier(first), () =>
      publishEvent(nats.js, first.event, { subject }),
    );

    await server.stop();
    const during = await relay.flush();
    expect(during.published).toBe(0);
    expect(during.error).toBeInstanceOf(DependencyError);
    expect(outbox.markCalls).toEqual([]);

    // Started while NATS is down, it keeps trying (a failed send span each time) and marks nothing.
    const sendsBefore = spansNamed(telemetry.spans, `send ${subject}`).length;
    relay.start();
    await waitFor(
      () => spansNamed(telemetry.spans, `send ${subject}`).length >= sendsBefore + 2,
      "the relay to try twice while NATS is down",
    );
    expect(outbox.published.size).toBe(0);
    expect(outbox.markCalls).toEqual([]);
    await server.start();
    await waitFor(
      () => outbox.published.size === records.length,
      "every record to be published",
      20_000,
    );
    await relay.stop();

    const ids = await storedEventIds();
    expect(ids.sort()).toEqual(records.map((record) => record.event.id).sort());
    for (const record of records) {
      const sends = spansNamed(telemetry.spans, `send ${subject}`).filter(
        (span) => span.attributes["messaging.message.id"] === record.event.id,
      );
      // Every attempt, failed or not, continues the trace of the request that stored the event.
      expect(sends.length).toBeGreaterThan(0);
      for (const send of sends) expect(send.parentSpanContext?.spanId).toBe(record.requestSpanId);
    }
    // row-1 went out twice; the stream's Nats-Msg-Id dedup kept one copy.
    const duplicates = spansNamed(telemetry.spans, `send ${subject}`).filter(
      (span) => span.attributes["tracemesh.nats.duplicate"] === true,
    );
    expect(duplicates.map((span) => span.attributes["messaging.message.id"])).toEqual([
      first.event.id,
    ]);
  });
});

describe("outbox relay and records no server will take", () => {
  it("parks a malformed record and one over max_payload, and publishes the others", async () => {
    const small = await privateNatsServer({ maxPayload: 4096 });
    const own = await connectNats(small.url);
    try {
      await ensureEventStreams(own.jsm, names);
      const [before, huge, after] = [storeInRequest(1), storeInRequest(2), storeInRequest(3)];
      huge.event = { ...huge.event, data: { n: 2, note: "x".repeat(8192) } };
      const malformed: OutboxRecord = { ...storeInRequest(4), id: "row-bad" };
      malformed.event = { ...malformed.event, id: "not-a-uuid" };
      const outbox = memoryOutbox([before, huge, malformed, after]);
      const relay = createOutboxRelay({
        source: outbox.source,
        publish: (event, options) => publishEvent(own.js, event, { ...options, timeoutMs: 1000 }),
      });
      expect(await relay.flush()).toEqual({ published: 2, parked: 2 });
      expect([...outbox.published]).toEqual([before.id, after.id]);
      expect(outbox.failed.get(huge.id)).toMatch(/max_payload/);
      expect(outbox.failed.get(malformed.id)).toMatch(/^malformed CloudEvent: id/);
      const info = await own.jsm.streams.info(names.stream);
      expect(info.state.messages).toBe(2);
      // Refused by the client, so never sent: the connection the others use is still open.
      expect(own.nc.isClosed()).toBe(false);
    } finally {
      await own.nc.close();
      await small.dispose();
    }
  });
});
