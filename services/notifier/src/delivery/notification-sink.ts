import type { Deadline } from "@tracemesh/resilience";
import type { Notification } from "./notification.ts";

/** Where notifications go: the configured webhook, or the log when there is none. */
export type DeliveryChannel = "webhook" | "log";

/** Delivers notifications; a rejection means "not delivered" (the caller may try again). */
export interface NotificationSink {
  readonly channel: DeliveryChannel;
  deliver(notification: Notification, deadline: Deadline): Promise<void>;
}
