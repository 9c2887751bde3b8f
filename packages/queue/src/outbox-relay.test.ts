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

/** Record `n`, an event of todo `todo` (each record its own todo unless given). */
function record(n: number, todo = `todo-${n}`): OutboxRecord {
  const event = createCloudEvent({
    type: "todo.created",
    source: "/todo-api",
    subject: todo,
    data: { n },
  });
  return { id: `r${n}`, subject: "todo.events.created", event };
}

/** `outbox`'s source, counting its claims. */
function countingClaims(outbox: ReturnType<typeof memoryOutbox>) {
  const counted = { claims: 0 };
  const source: OutboxSource = {
    ...outbox.source,
    claimPending: (limit) => {
      counted.claims += 1;
      return outbox.source.claimPending(limit);
    },
  };
  return { source, counted };
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
  it("a wake relays what a commit just wrote, long before the next poll; a burst of wakes is one batch", async () => {
    const outbox = memoryOutbox([1].map((n) => record(n)));
    const { source, counted } = countingClaims(outbox);
    const { publish, calls } = recordingPublish();
    // A poll an hour: only wake() can bring the later records out within the test.
    const relay = createOutboxRelay({ source, publish, intervalMs: 3_600_000 });
    relay.start();
    await waitFor(() => calls.length === 1, "the first poll");
    const claimsBefore = counted.claims;
    outbox.records.push(record(2), record(3));
    for (let i = 0; i < 10; i++) relay.wake();
    await waitFor(() => calls.length === 3, "the woken batch");
    expect(calls).toEqual([1, 2, 3]);
    // One batch for the ten wakes (and its check that the outbox is empty).
    expect(counted.claims - claimsBefore).toBeLessThanOrEqual(2);
    await relay.stop();
    outbox.records.push(record(4));
    relay.wake();
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toEqual([1, 2, 3]);
  });

  it("while publishing fails, a wake waits for the backoff; a flush that gets through ends it", async () => {
    const outbox = memoryOutbox([1].map((n) => record(n)));
    let brokerDown = true;
    const { publish, calls } = recordingPublish(() => brokerDown);
    const relay = createOutboxRelay({ source: outbox.source, publish, intervalMs: 3_600_000 });
    relay.start();
    await waitFor(() => calls.length === 1, "the first, failing, attempt");
    await new Promise((resolve) => setImmediate(resolve));
    for (let i = 0; i < 5; i++) {
      outbox.records.push(record(10 + i));
      relay.wake();
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(calls).toEqual([1]);
    brokerDown = false;
    expect(await relay.flush()).toEqual({ published: 6, parked: 0 });
    outbox.records.push(record(20));
    relay.wake();
    await waitFor(() => calls.includes(20), "the woken batch after the outage");
    await relay.stop();
  });

  it("resume() after an outage relays what waits at once, despite the backoff, and says so", async () => {
    const outbox = memoryOutbox([record(1)]);
    let brokerDown = true;
    const { publish, calls } = recordingPublish(() => brokerDown);
    const logs = captureLogger();
    const hour = 3_600_000;
    const relay = createOutboxRelay({
      source: outbox.source,
      publish,
      intervalMs: hour,
      maxBackoffMs: hour,
      logger: logs.logger,
    });
    relay.start();
    await waitFor(() => calls.length === 1, "the first, failing, attempt");
    await new Promise((resolve) => setImmediate(resolve));
    brokerDown = false;
    outbox.records.push(...[2, 3, 4].map((n) => record(n)));
    relay.wake();
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toEqual([1]);

    relay.resume();
    await waitFor(() => outbox.published.size === 4, "the four published");
    const published = (await logs.lines()).filter((l) => l.event === "outbox.relay.published");
    expect(published).toEqual([expect.objectContaining({ published: 4 })]);
    // The backoff is over: a commit wakes the relay again.
    outbox.records.push(record(5));
    relay.wake();
    await waitFor(() => outbox.published.has("r5"), "the woken record");
    await relay.stop();
  });

  it("stop() during a catch-up after an outage waits for the batch in flight, not the backlog", async () => {
    const outbox = memoryOutbox(Array.from({ length: 30 }, (_, n) => record(n)));
    let brokerDown = true;
    let failed = 0;
    let publishing = 0;
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const publish: OutboxPublish = async () => {
      if (brokerDown) {
        failed += 1;
        throw new Error("nats unavailable");
      }
      publishing += 1;
      await gate;
    };
    const relay = createOutboxRelay({
      source: outbox.source,
      publish,
      batchSize: 10,
      intervalMs: 3_600_000,
    });
    relay.start();
    await waitFor(() => failed > 0, "the first, failing, attempt");
    await new Promise((resolve) => setImmediate(resolve));
    brokerDown = false;
    relay.resume();
    await waitFor(() => publishing > 0, "the catch-up's first batch");
    const stopping = relay.stop();
    release();
    await stopping;
    expect(outbox.published.size).toBe(10);
  });

  it("publishes every record in order, batch after batch, and marks them published", async () => {
    const outbox = memoryOutbox([1, 2, 3, 4, 5].map((n) => record(n)));
    const { publish, calls } = recordingPublish();
    const relay = createOutboxRelay({ source: outbox.source, publish, batchSize: 2 });
    expect(await relay.flush()).toEqual({ published: 5, parked: 0 });
    expect(calls).toEqual([1, 2, 3, 4, 5]);
    expect(outbox.markCalls).toEqual([["r1", "r2"], ["r3", "r4"], ["r5"]]);
    expect(await relay.flush()).toEqual({ published: 0, parked: 0 });
  });

  it("pipelines a batch: the next publish starts before the previous one is acknowledged", async () => {
    const outbox = memoryOutbox([1, 2, 3].map((n) => record(n)));
    const acks: (() => void)[] = [];
    const calls: number[] = [];
    const publish: OutboxPublish = (event) => {
      calls.push((event.data as { n: number }).n);
      return new Promise<void>((resolve) => acks.push(resolve));
    };
    const flushed = createOutboxRelay({ source: outbox.source, publish }).flush();
    await waitFor(() => calls.length === 3, "three publishes in flight");
    expect(outbox.published.size).toBe(0);
    for (const ack of acks) ack();
    expect(await flushed).toEqual({ published: 3, parked: 0 });
    expect(outbox.markCalls).toEqual([["r1", "r2", "r3"]]);
  });

  it("keeps a todo's events in order: one is published only after the one before it", async () => {
    const outbox = memoryOutbox([record(1, "a"), record(2, "a"), record(3, "b"), record(4, "a")]);
    const acks = new Map<number, () => void>();
    const calls: number[] = [];
    const publish: OutboxPublish = (event) => {
      const { n } = event.data as { n: number };
      calls.push(n);
      return new Promise<void>((resolve) => acks.set(n, resolve));
    };
    const flushed = createOutboxRelay({ source: outbox.source, publish }).flush();
    await waitFor(() => calls.length === 2, "the first of each todo");
    expect(calls).toEqual([1, 3]);
    acks.get(1)?.();
    await waitFor(() => calls.length === 3, "todo a's second");
    acks.get(2)?.();
    await waitFor(() => calls.length === 4, "todo a's third");
    acks.get(3)?.();
    acks.get(4)?.();
    expect(await flushed).toEqual({ published: 4, parked: 0 });
    expect(calls).toEqual([1, 3, 2, 4]);
  });

  it("at a broker failure, keeps that todo's later events pending and marks only what was published", async () => {
    const outbox = memoryOutbox([record(1, "a"), record(2, "b"), record(3, "a"), record(4, "c")]);
    let brokerUp = false;
    const { publish, calls } = recordingPublish(
      (event) => !brokerUp && (event.data as { n: number }).n === 1,
    );
    const relay = createOutboxRelay({ source: outbox.source, publish, batchSize: 10 });
    const failed = await relay.flush();
    expect(failed.published).toBe(2);
    expect(failed.error).toBeInstanceOf(Error);
    expect([...outbox.published]).toEqual(["r2", "r4"]);
    // Todo a's second event never went out ahead of its first.
    expect(calls).not.toContain(3);
    brokerUp = true;
    expect(await relay.flush()).toEqual({ published: 2, parked: 0 });
    expect([...outbox.published]).toEqual(["r2", "r4", "r1", "r3"]);
    expect(calls.slice(-2)).toEqual([1, 3]);
  });

  it("parks a record no retry can publish and goes on with the others, in order", async () => {
    const outbox = memoryOutbox([1, 2, 3, 4, 5].map((n) => record(n)));
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

  it("a batch a request's commit woke logs outside that request's trace", async () => {
    const logs = captureLogger();
    const outbox = memoryOutbox([]);
    const { source, counted } = countingClaims(outbox);
    const { publish } = recordingPublish(() => true);
    const relay = createOutboxRelay({
      source,
      publish,
      intervalMs: 3_600_000,
      logger: logs.logger,
    });
    relay.start();
    await waitFor(() => counted.claims === 1, "the first, empty, poll");
    outbox.records.push(record(1));
    // As PGlite calls the outbox's listener: in the writer's context, right after its commit.
    trace.getTracer("test").startActiveSpan("POST /v1/todos", (span) => {
      relay.wake();
      span.end();
    });
    await waitFor(
      async () => (await logs.lines()).some((line) => line.event === "outbox.relay.failed"),
      "the woken batch's failure",
    );
    const failed = (await logs.lines()).find((line) => line.event === "outbox.relay.failed");
    expect(failed?.traceId).toBeUndefined();
    await relay.stop();
  });

  it("a wake queued behind a batch starts nothing once stop() has come", async () => {
    const outbox = memoryOutbox([record(1)]);
    let publishing: () => void = () => {};
    const blocked = new Promise<void>((resolve) => {
      publishing = resolve;
    });
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const publish: OutboxPublish = async () => {
      publishing();
      await gate;
    };
    const relay = createOutboxRelay({ source: outbox.source, publish, intervalMs: 60_000 });
    relay.start();
    await blocked;
    // A commit wakes the relay mid-batch, then SIGTERM stops it.
    outbox.records.push(record(2));
    relay.wake();
    const stopping = relay.stop();
    release();
    await stopping;
    expect(outbox.published).toEqual(new Set(["r1"]));
    // Nothing that would run after its database and NATS are closed.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(outbox.published).toEqual(new Set(["r1"]));
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
