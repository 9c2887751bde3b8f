import { createDeadline } from "@tracemesh/resilience";
import { recordingMeter } from "@tracemesh/testing";
import { describe, expect, test } from "vitest";
import { captureSink } from "../test-utils.ts";
import { withDeliveryMetrics } from "./delivery-metrics.ts";
import type { TodoNotification } from "./notification.ts";

const notification: TodoNotification = {
  kind: "todo",
  id: "5f0c6a34-8a6e-4f4e-9b44-3a1f2f0d9d11",
  type: "todo.deleted",
  time: "2026-11-25T10:00:00.000Z",
  source: "/todo-api",
  todo: { id: "42" },
  recipient: null,
};

describe("delivery metrics", () => {
  test("counts deliveries by kind and channel, and only those that succeeded", async () => {
    const { meter, measurements } = recordingMeter();
    const capture = captureSink("log");
    const sink = withDeliveryMetrics(capture.sink, meter);
    await sink.deliver(notification, createDeadline(1000));
    capture.fail(new Error("down"));
    await expect(sink.deliver(notification, createDeadline(1000))).rejects.toThrow("down");
    expect(sink.channel).toBe("log");
    expect(capture.delivered).toHaveLength(1);
    expect(measurements).toEqual([
      {
        name: "tracemesh.notifications.delivered",
        value: 1,
        attributes: { "notification.kind": "todo", "notification.channel": "log" },
      },
    ]);
  });
});
