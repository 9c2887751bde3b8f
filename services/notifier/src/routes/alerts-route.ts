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
 * `POST /v1/alerts`: Alertmanager's webhook. Each alert is delivered as its own notification
 * before the answer, so a 503 (delivery unavailable) makes Alertmanager send the group again;
 * alerts already delivered then repeat with the same Idempotency-Key. Firing error alerts are
 * looked up in the trace backend first, all at once and for a bounded time.
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
      const examples = await Promise.all(
        payload.alerts.map((alert) => findExampleTrace?.(alert, c.var.deadline)),
      );
      for (const [index, alert] of payload.alerts.entries()) {
        await sink.deliver(toAlertNotification(alert, payload, examples[index]), c.var.deadline);
      }
      return c.json({ status: "delivered", delivered: payload.alerts.length });
    },
  );
}
