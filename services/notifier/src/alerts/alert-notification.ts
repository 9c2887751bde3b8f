import type { AlertNotification } from "../delivery/notification.ts";
import type { Alert, AlertmanagerPayload } from "./alertmanager-payload.ts";
import type { ExampleTrace } from "./example-trace.ts";

/**
 * The notification of one alert. Its id is the same for every resend of this alert in this
 * status since `startsAt` (Alertmanager retries and repeats), so a receiver can drop repeats.
 * The rules' annotations `summary`, `description` and `runbook_url` are lifted to fields of
 * their own; the others stay in `annotations`.
 */
export function toAlertNotification(
  alert: Alert,
  payload: AlertmanagerPayload,
  exampleTrace?: ExampleTrace,
): AlertNotification {
  const { status, labels, startsAt, endsAt, generatorURL, fingerprint } = alert;
  const { summary, description, runbook_url: runbookUrl, ...annotations } = alert.annotations;
  return {
    kind: "alert",
    id: `${fingerprint}:${status}:${startsAt}`,
    status,
    labels,
    summary: summary ?? labels.alertname ?? "",
    description: description ?? "",
    runbookUrl: runbookUrl ?? null,
    exampleTrace: exampleTrace ?? null,
    annotations,
    startsAt,
    endsAt,
    generatorURL,
    fingerprint,
    receiver: payload.receiver,
    externalURL: payload.externalURL,
    truncatedAlerts: payload.truncatedAlerts,
  };
}
