import { context, propagation, trace } from "@opentelemetry/api";
import { describe, expect, it, vi } from "vitest";
import { type CloudEvent, createCloudEvent } from "./cloud-event.ts";
import { createOutboxRelay, type OutboxPublish, type OutboxRecord } from "./outbox-relay.ts";
import { memoryOutbox, useTestTelemetry, waitFor } from "./test-utils.ts";
import { captureTraceCarrier } from "./trace-headers.ts";

useTestTelemetry();

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
    expect(await relay.flush()).toEqual({ published: 5 });
    expect(calls).toEqual([1, 2, 3, 4, 5]);
    expect(outbox.markCalls).toEqual([["r1", "r2"], ["r3", "r4"], ["r5"]]);
    expect(await relay.flush()).toEqual({ published: 0 });
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
    expect(await relay.flush()).toEqual({ published: 3 });
    expect([...outbox.published]).toEqual(["r1", "r2", "r3", "r4", "r5"]);
    expect(calls).toEqual([1, 2, 3, 3, 4, 5]);
  });

  it("reports a failing source without publishing", async () => {
    const { publish, calls } = recordingPublish();
    const source = {
      claimPending: vi.fn().mockRejectedValue(new Error("database down")),
      markPublished: vi.fn(),
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
    await waitFor(() => outbox.published.has("r1"), 2_000, "r1 to be published");
    outbox.records.push(record(2), record(3));
    await waitFor(() => blocked, 2_000, "r3 to be publishing");
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
