import { createDependencyClient, type DependencyClientOptions } from "@tracemesh/resilience";
import { createLogSink, type DeliveryLogger } from "./log-sink.ts";
import type { NotificationSink } from "./notification-sink.ts";
import { createWebhookSink, webhookTarget } from "./webhook-sink.ts";

export interface NotificationSinkOptions {
  /** `NOTIFY_WEBHOOK_URL`; undefined delivers to the log instead. */
  webhookUrl: string | undefined;
  /** Receives the log channel's lines and the webhook client's breaker changes. */
  logger: DeliveryLogger & { warn(event: string, fields?: Record<string, unknown>): unknown };
  /** Policies of the "webhook" dependency client. @default the resilience package's */
  client?: Omit<DependencyClientOptions, "name" | "baseUrl" | "logger">;
}

/** The configured channel: the webhook through a dependency client named "webhook", or the log. */
export function createNotificationSink(options: NotificationSinkOptions): NotificationSink {
  const { webhookUrl, logger } = options;
  if (webhookUrl === undefined) return createLogSink(logger);
  const { baseUrl, path } = webhookTarget(webhookUrl);
  const client = createDependencyClient({ ...options.client, name: "webhook", baseUrl, logger });
  return createWebhookSink({ client, path, logger });
}
