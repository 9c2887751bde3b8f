import { context, propagation, trace } from "@opentelemetry/api";
import { captureLogger } from "@tracemesh/logger/testing";
import { waitFor } from "@tracemesh/testing";
import { describe, expect, it, vi } from "vitest";
import { type CloudEvent, createCloudEvent, MalformedEventError } from "./cloud-event.ts";
import {
  createOutboxRelay,
  type OutboxPublish,
  type OutboxRecord,
  type OutboxSource,
} from "./outbox-relay.ts";
import { PermanentEventError } from "./permanent-event-error.ts";
import { memoryOutbox, useTestTelemetry } from "./test-utils.ts";
import { captureTraceCarrier } from "./trace-headers.ts";

const telemetry = useTestTelemetry();

function record(n: number): OutboxRecord {
  const event = createCloudEvent({ type: "todo.created", source: "/todo-api", data: { n } });
  return { id: `r${n}`, subject: "todo.events.created", event };
}

function recordingPublish(failWhen: (event: CloudEvent) => boolean = () => false) {
  const calls: number[] = [];
  const publish: OutboxPublish = async (event) => {
    const { n } = event.data as { n: number };
    calls.push(n);
    if (failWhen(event)) throw new Error("nats unavailable");
  };
  return { publish, calls };
}

describe("outbox relay", () => {
  it("publishes every record in order, batch after batch, and marks them published", async () => {
    const outbox = memoryOutbox([1, 2, 3, 4, 5].map(record));
    const { publish, calls } = recordingPublish();
    const relay = createOutboxRelay({ source: outbox.source, publish, batchSize: 2 });
    expect(await relay.flush()).toEqual({ published: 5, parked: 0 });
    expect(calls).toEqual([1, 2, 3, 4, 5]);
    expect(outbox.markCalls).toEqual([["r1", "r2"], ["r3", "r4"], ["r5"]]);
    expect(await relay.flush()).toEqual({ published: 0, parked: 0 });
  });

  it("stops the batch at a broker failure and never marks what was not published", async () => {
    const outbox = memoryOutbox([1, 2, 3, 4, 5].map(record));
    let brokerUp = false;
    const { publish, calls } = recordingPublish(
      (event) => !brokerUp && event.data !== null && (event.data as { n: number }).n === 3,
    );
    const relay = createOutboxRelay({ source: outbox.source, publish, batchSize: 10 });
    const failed = await relay.flush();
    expect(failed.published).toBe(2);
    expect(failed.error).toBeInstanceOf(Error);
    expect([...outbox.published]).toEqual(["r1", "r2"]);
    expect(calls).toEqual([1, 2, 3]);
    brokerUp = true;
    expect(await relay.flush()).toEqual({ published: 3, parked: 0 });
    expect([...outbox.published]).toEqual(["r1", "r2", "r3", "r4", "r5"]);
    expect(calls).toEqual([1, 2, 3, 3, 4, 5]);
  });

  it("parks a record no retry can publish and goes on with the others, in order", async () => {
    const outbox = memoryOutbox([1, 2, 3, 4, 5].map(record));
    const calls: number[] = [];
    const publish: OutboxPublish = async (event) => {
      const { n } = event.data as { n: number };
      calls.push(n);
      if (n === 2) throw new PermanentEventError("event refused: max_payload size exceeded");
      if (n === 4) throw new MalformedEventError(["data: data is required"]);
    };
    const logs = captureLogger({ service: "queue-test" });
    const relay = createOutboxRelay({ source: outbox.source, publish, logger: logs.logger });
    expect(await relay.flush()).toEqual({ published: 3, parked: 2 });
    expect(calls).toEqual([1, 2, 3, 4, 5]);
    expect([...outbox.published]).toEqual(["r1", "r3", "r5"]);
    expect(Object.fromEntries(outbox.failed)).toEqual({
      r2: "event refused: max_payload size exceeded",
      r4: "malformed CloudEvent: data: data is required",
    });
    // Parked means out of the way: never tried again.
    expect(await relay.flush()).toEqual({ published: 0, parked: 0 });
    expect(calls).toHaveLength(5);
    const parked = (await logs.lines()).filter((line) => line.event === "outbox.record.parked");
    expect(parked).toEqual([
      expect.objectContaining({ level: "error", recordId: "r2", subject: "todo.events.created" }),
      expect.objectContaining({ level: "error", recordId: "r4" }),
    ]);
  });

  it("notes a transient failure on the record, which stays pending", async () => {
    const outbox = memoryOutbox([record(1)]);
    const recordFailure = vi.fn(async () => {
      throw new Error("database down too");
    });
    const source: OutboxSource = { ...outbox.source, recordFailure };
    const failure = new Error("nats unavailable");
    const result = await createOutboxRelay({
      source,
      publish: async () => {
        throw failure;
      },
    }).flush();
    // The source's own failure to take the note does not hide the broker's.
    expect(result).toEqual({ published: 0, parked: 0, error: failure });
    expect(recordFailure).toHaveBeenCalledWith("r1", failure);
    expect(outbox.failed.size).toBe(0);
  });

  it("does not trace its own polls, claims and marks; each publish stays in its stored trace", async () => {
    telemetry.spans.reset();
    const tracer = trace.getTracer("test");
    const stored = tracer.startActiveSpan("POST /v1/todos", (span) => {
      span.end();
      return { ...record(1), ...captureTraceCarrier(), spanId: span.spanContext().spanId };
    });
    const outbox = memoryOutbox([stored]);
    // As the pg instrumentation (or todo-api's PGlite spans) would: a span per query.
    const traced = <T>(name: string, query: () => Promise<T>) =>
      tracer.startActiveSpan(name, async (span) => {
        try {
          return await query();
        } finally {
          span.end();
        }
      });
    const source: OutboxSource = {
      claimPending: (limit) => traced("claim", () => outbox.source.claimPending(limit)),
      markPublished: (ids) => traced("mark", () => outbox.source.markPublished(ids)),
      markFailed: (id, reason) => traced("park", () => outbox.source.markFailed(id, reason)),
    };
    const publish: OutboxPublish = async () => traced("send", async () => undefined);
    const relay = createOutboxRelay({ source, publish });
    await relay.flush();
    await relay.flush();
    const names = telemetry.spans.getFinishedSpans().map((span) => span.name);
    expect(names).toEqual(["POST /v1/todos", "send"]);
    const send = telemetry.spans.getFinishedSpans().find((span) => span.name === "send");
    expect(send?.parentSpanContext?.spanId).toBe(stored.spanId);
  });

  it("reports a failing source without publishing", async () => {
    const { publish, calls } = recordingPublish();
    const source = {
      claimPending: vi.fn().mockRejectedValue(new Error("database down")),
      markPublished: vi.fn(),
      markFailed: vi.fn(),
    };
    const result = await createOutboxRelay({ source, publish }).flush();
    expect(result).toMatchObject({ published: 0, error: new Error("database down") });
    expect(calls).toEqual([]);
  });

  it("publishes each event inside the trace of the request that stored it", async () => {
    const tracer = trace.getTracer("test");
    const stored = tracer.startActiveSpan("POST /v1/todos", (span) => {
      const bag = propagation.createBaggage({ tenant: { value: "acme" } });
      const carrier = context.with(propagation.setBaggage(context.active(), bag), () =>
        captureTraceCarrier(),
      );
      span.end();
      return { ...record(1), ...carrier, spanId: span.spanContext().spanId };
    });
    const seen: { spanId?: string; tenant?: string }[] = [];
    const publish: OutboxPublish = async () => {
      const active = context.active();
      seen.push({
        spanId: trace.getSpanContext(active)?.spanId,
        tenant: propagation.getBaggage(active)?.getEntry("tenant")?.value,
      });
    };
    const outbox = memoryOutbox([stored, record(2)]);
    await createOutboxRelay({ source: outbox.source, publish }).flush();
    expect(seen).toEqual([
      { spanId: stored.spanId, tenant: "acme" },
      { spanId: undefined, tenant: undefined },
    ]);
  });

  it("polls while started, backs off while the broker fails, and stop() waits for the batch", async () => {
    const outbox = memoryOutbox([record(1)]);
    let brokerUp = false;
    let blocked = false;
    let release: () => void = () => {};
    const attempts: number[] = [];
    const publish: OutboxPublish = async (event) => {
      attempts.push(Date.now());
      if (!brokerUp) throw new Error("nats unavailable");
      if ((event.data as { n: number }).n === 3 && !blocked)
        await new Promise<void>((resolve) => {
          blocked = true;
          release = resolve;
        });
    };
    const relay = createOutboxRelay({
      source: outbox.source,
      publish,
      intervalMs: 20,
      maxBackoffMs: 80,
    });
    relay.start();
    await new Promise((resolve) => setTimeout(resolve, 400));
    // Backoff 40, 80, 80, 80 ms: far fewer attempts than one every 20 ms.
    expect(attempts.length).toBeGreaterThanOrEqual(3);
    expect(attempts.length).toBeLessThanOrEqual(8);
    expect(outbox.published.size).toBe(0);
    brokerUp = true;
    await waitFor(() => outbox.published.has("r1"), "r1 to be published", 2_000);
    outbox.records.push(record(2), record(3));
    await waitFor(() => blocked, "r3 to be publishing", 2_000);
    let stopped = false;
    const stopping = relay.stop().then(() => {
      stopped = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(outbox.published).toEqual(new Set(["r1", "r2", "r3"]));
    const count = attempts.length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(attempts.length).toBe(count);
  });
});
