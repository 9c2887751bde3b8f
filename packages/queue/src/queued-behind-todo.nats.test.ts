import { waitFor } from "@tracemesh/testing";
import { describe, expect, it } from "vitest";
import { createCloudEvent } from "./cloud-event.ts";
import { consumeEvents } from "./consume-events.ts";
import { publishEvent } from "./publish-event.ts";
import { consumerSettled, useTestStreams, useTestTelemetry } from "./test-utils.ts";
import { eventSubject } from "./topology.ts";

useTestTelemetry();
// A short ack_wait: a message not acknowledged, nor kept alive, within 1 s is delivered again.
const { names, nats } = useTestStreams({ maxDeliver: 3, ackWaitMs: 1_000 });
const subject = eventSubject("todo.updated", names.subjectPrefix);

describe("a todo's message waiting behind its earlier one", () => {
  it("is kept alive while it waits, so a wait past ack_wait delivers it once", async () => {
    const [first, second] = [1, 2].map((n) =>
      createCloudEvent({
        type: "todo.updated",
        source: "/todo-api",
        subject: "todo-1",
        data: { n },
      }),
    );
    if (!first || !second) throw new Error("no events");
    for (const event of [first, second]) await publishEvent(nats.js, event, { subject });
    const deliveries: { id: string; deliveryCount: number }[] = [];
    const consumer = await consumeEvents({
      js: nats.js,
      stream: names.stream,
      consumer: names.consumer,
      deadLetterSubjectPrefix: names.deadLetterSubjectPrefix,
      maxDeliver: 3,
      // Both taken at once; the second waits for the first, whose handler takes 2.5 ack_waits.
      concurrency: 2,
      async handler(received, delivery) {
        deliveries.push({ id: received.id, deliveryCount: delivery.deliveryCount });
        if (received.id === first.id) await new Promise((resolve) => setTimeout(resolve, 2_500));
      },
    });
    await waitFor(() => deliveries.length === 2, "both handled", 10_000);
    await waitFor(() => consumerSettled(nats, names), "both acknowledged", 5_000);
    await consumer.stop();

    expect(deliveries).toEqual([
      { id: first.id, deliveryCount: 1 },
      { id: second.id, deliveryCount: 1 },
    ]);
    const info = await nats.jsm.consumers.info(names.stream, names.consumer);
    expect(info.num_redelivered).toBe(0);
  });
});
