import { captureLogger } from "@tracemesh/logger/testing";
import { createDeadline } from "@tracemesh/resilience";
import { describe, expect, test } from "vitest";
import { toAlertNotification } from "../alerts/alert-notification.ts";
import { alertmanagerPayload } from "../alerts/alertmanager-payload.fixture.ts";
import { createLogSink } from "./log-sink.ts";

describe("log sink", () => {
  test("delivers a notification as one notification.delivered line carrying it", async () => {
    const { logger, lines } = captureLogger({ service: "notifier" });
    const payload = alertmanagerPayload();
    const [alert] = payload.alerts;
    if (!alert) throw new Error("fixture has alerts");
    const notification = toAlertNotification(alert, payload);
    const sink = createLogSink(logger);
    await sink.deliver(notification, createDeadline(1000));
    expect(sink.channel).toBe("log");
    expect(await lines()).toEqual([
      expect.objectContaining({
        level: "info",
        service: "notifier",
        event: "notification.delivered",
        channel: "log",
        kind: "alert",
        notificationId: notification.id,
        notification,
      }),
    ]);
  });
});
