import type { NotificationSink } from "./notification-sink.ts";

/** What the log sink writes to: `@tracemesh/logger`'s Logger fits. */
export interface DeliveryLogger {
  info(event: string, fields?: Record<string, unknown>): unknown;
}

/**
 * Delivers a notification as one `notification.delivered` log line carrying the notification:
 * the channel when no webhook is configured. The line has the active trace's ids.
 */
export function createLogSink(logger: DeliveryLogger): NotificationSink {
  return {
    channel: "log",
    async deliver(notification) {
      logger.info("notification.delivered", {
        channel: "log",
        kind: notification.kind,
        notificationId: notification.id,
        notification,
      });
    },
  };
}
