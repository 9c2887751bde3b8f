import type { AlertNotification } from "../delivery/notification.ts";
import type { Alert, AlertmanagerPayload } from "./alertmanager-payload.ts";

/**
 * The notification of one alert. Its id is the same for every resend of this alert in this
 * status since `startsAt` (Alertmanager retries and repeats), so a receiver can drop repeats.
 */
export function toAlertNotification(alert: Alert, payload: AlertmanagerPayload): AlertNotification {
  const { status, labels, annotations, startsAt, endsAt, generatorURL, fingerprint } = alert;
  return {
    kind: "alert",
    id: `${fingerprint}:${status}:${startsAt}`,
    status,
    labels,
    annotations,
    startsAt,
    endsAt,
    generatorURL,
    fingerprint,
    receiver: payload.receiver,
    externalURL: payload.externalURL,
  };
}
