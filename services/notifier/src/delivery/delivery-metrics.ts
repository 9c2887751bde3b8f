import { type Meter, metrics, trace } from "@opentelemetry/api";
import type { NotificationSink } from "./notification-sink.ts";

/** The instrumentation scope of the notifier's own meter. */
export const NOTIFIER_SCOPE = "@tracemesh/notifier";

/**
 * Counts successful deliveries in `tracemesh.notifications.delivered` by kind and channel
 * (`tracemesh_notifications_delivered_total` in Prometheus) and marks them on the active span.
 * The meter is taken here, not at import: a meter taken before the SDK starts stays a no-op.
 */
export function withDeliveryMetrics(
  sink: NotificationSink,
  meter: Meter = metrics.getMeter(NOTIFIER_SCOPE),
): NotificationSink {
  const delivered = meter.createCounter("tracemesh.notifications.delivered", {
    description: "Notifications delivered, by kind (todo, alert) and channel (webhook, log).",
    unit: "{notification}",
  });
  return {
    channel: sink.channel,
    async deliver(notification, deadline) {
      await sink.deliver(notification, deadline);
      const attributes = {
        "notification.kind": notification.kind,
        "notification.channel": sink.channel,
      };
      delivered.add(1, attributes);
      trace
        .getActiveSpan()
        ?.addEvent("notification.delivered", { ...attributes, "notification.id": notification.id });
    },
  };
}
