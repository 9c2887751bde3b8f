import { waitFor } from "@tracemesh/testing";
import { describe, expect, it } from "vitest";
import { createCloudEvent } from "./cloud-event.ts";
import { consumeEvents } from "./consume-events.ts";
import { publishEvent } from "./publish-event.ts";
import { consumerSettled, metricValue, useTestStreams, useTestTelemetry } from "./test-utils.ts";
import { eventSubject, QUEUE_DEFAULTS } from "./topology.ts";

const telemetry = useTestTelemetry();
// The default consumer: a handler may stall well past the first retry delay (BACKOFF_MS, 1 s),
// as only ack_wait (30 s) decides when the server delivers a message again. A server-side
// backoff would make its first value the ack wait.
const { names, nats } = useTestStreams({ maxDeliver: 3 });
const subject = eventSubject("todo.created", names.subjectPrefix);

/** Blocks the event loop, as a long GC pause or a synchronous burst of work would. */
function stallEventLoop(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // Nothing else runs meanwhile: no heartbeat, no socket read.
  }
}

describe("a handler slower than the first retry delay", () => {
  it("is delivered once, not redelivered to another puller while it runs", async () => {
    const stallMs = 2.5 * (QUEUE_DEFAULTS.backoffMs[0] ?? 1_000);
    const event = createCloudEvent({ type: "todo.created", source: "/todo-api", data: {} });
    await publishEvent(nats.js, event, { subject });
    const deliveries: { id: string; deliveryCount: number }[] = [];
    const consumer = await consumeEvents({
      js: nats.js,
      stream: names.stream,
      consumer: names.consumer,
      deadLetterSubjectPrefix: names.deadLetterSubjectPrefix,
      maxDeliver: 3,
      // A second slot whose pull stays open through the stall, as another replica's would.
      concurrency: 2,
      pullExpiresMs: 5_000,
      async handler(received, delivery) {
        deliveries.push({ id: received.id, deliveryCount: delivery.deliveryCount });
        if (delivery.deliveryCount === 1) stallEventLoop(stallMs);
      },
    });
    await waitFor(() => consumerSettled(nats, names), "the ack");
    // A later event handled means anything that came back before it has been handled too.
    const sentinel = createCloudEvent({ type: "todo.created", source: "/todo-api", data: {} });
    await publishEvent(nats.js, sentinel, { subject });
    await waitFor(() => deliveries.some((each) => each.id === sentinel.id), "the sentinel");
    await waitFor(() => consumerSettled(nats, names), "the sentinel's ack");
    await consumer.stop();

    expect(deliveries).toEqual([
      { id: event.id, deliveryCount: 1 },
      { id: sentinel.id, deliveryCount: 1 },
    ]);
    expect(await metricValue(telemetry.reader, "tracemesh.queue.messages.redelivered")).toBe(0);
    const info = await nats.jsm.consumers.info(names.stream, names.consumer);
    expect(info.num_redelivered).toBe(0);
  });
});
