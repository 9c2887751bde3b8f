import { jsonBody, requireBearerSecret, validate } from "@tracemesh/http";
import { Hono } from "hono";
import { toAlertNotification } from "../alerts/alert-notification.ts";
import { AlertmanagerPayloadSchema } from "../alerts/alertmanager-payload.ts";
import type { FindExampleTrace } from "../alerts/example-trace.ts";
import type { NotificationSink } from "../delivery/notification-sink.ts";

export interface AlertsRouteDeps {
  sink: NotificationSink;
  /** `ALERTS_TOKEN`, Alertmanager's bearer credentials; undefined refuses every call. */
  alertsToken: string | undefined;
  /** Undefined without a trace backend (`TRACE_QUERY_URL`): no example traces. */
  findExampleTrace?: FindExampleTrace | undefined;
}

/**
 * Alerts of one group delivered at once: a large group fits the request's budget, and takes
 * only a share of the webhook's bulkhead (32 calls, 32 waiting), which other groups and the
 * todo events share.
 */
const DELIVERIES_AT_ONCE = 8;

/**
 * Runs `deliver` for every item, `atOnce` at a time, each to its end whatever the others do;
 * then rejects with the first failure, if any.
 */
async function deliverEach<T>(
  items: readonly T[],
  atOnce: number,
  deliver: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const failures: unknown[] = [];
  async function deliverNext(): Promise<void> {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      await deliver(item).catch((error: unknown) => void failures.push(error));
    }
  }
  await Promise.all(Array.from({ length: Math.min(atOnce, items.length) }, deliverNext));
  if (failures.length > 0) throw failures[0];
}

/**
 * `POST /v1/alerts`: Alertmanager's webhook. Each alert is delivered as its own notification
 * before the answer, eight at a time; if any cannot be, the answer is a 503 (delivery
 * unavailable) and Alertmanager sends the group again: alerts already delivered then repeat
 * with the same Idempotency-Key. Firing error alerts are looked up in the trace backend first,
 * all at once and for a bounded time. Alerts Alertmanager left out (`truncatedAlerts`, its
 * `max_alerts`) are counted in every notification of the group and logged.
 */
export function alertsRoute(deps: AlertsRouteDeps): Hono {
  const { sink, alertsToken, findExampleTrace } = deps;
  return new Hono().post(
    "/v1/alerts",
    requireBearerSecret({ secret: alertsToken }),
    jsonBody(),
    validate("json", AlertmanagerPayloadSchema),
    async function receiveAlerts(c) {
      const payload = c.req.valid("json");
      if (payload.truncatedAlerts > 0) {
        c.var.logger.warn("alerts.truncated", {
          groupKey: payload.groupKey,
          delivered: payload.alerts.length,
          truncatedAlerts: payload.truncatedAlerts,
        });
      }
      const examples = await Promise.all(
        payload.alerts.map((alert) => findExampleTrace?.(alert, c.var.deadline)),
      );
      const notifications = payload.alerts.map((alert, index) =>
        toAlertNotification(alert, payload, examples[index]),
      );
      await deliverEach(notifications, DELIVERIES_AT_ONCE, (notification) =>
        sink.deliver(notification, c.var.deadline),
      );
      return c.json({ status: "delivered", delivered: payload.alerts.length });
    },
  );
}
