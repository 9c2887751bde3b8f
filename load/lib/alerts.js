import { sleep } from "k6";
import exec from "k6/execution";
import http from "k6/http";
import { Rate, Trend } from "k6/metrics";

// Whether the replay's alert fired in time: in Prometheus (the rule) and in Alertmanager (the
// route to the notifier). Only an alert that became active after the replay's trigger counts:
// one still firing from an earlier run proves nothing.

export const alertFired = new Rate("alert_fired");
export const timeToAlert = new Trend("time_to_alert", true);

/**
 * @typedef {object} PrometheusAlert
 * @property {Record<string, string>} labels
 * @property {string} state "pending" or "firing"
 * @property {string} activeAt
 */

/**
 * @typedef {object} AlertmanagerAlert
 * @property {Record<string, string>} labels
 * @property {string} startsAt
 * @property {{ state: string }} status "active", "suppressed" or "unprocessed"
 */

/** @param {import("k6/http").RefinedResponse<"text">} res */
function prometheusAlertsOf(res) {
  return /** @type {PrometheusAlert[]} */ ((res.status === 200 && res.json("data.alerts")) || []);
}

const observe = {
  tags: { phase: "observe" },
  responseCallback: http.expectedStatuses(200),
  timeout: "5s",
};

/**
 * Prometheus's alerts page, for a person to look at: `/alerts`, or `/classic/alerts` where that
 * is the only one (Debian's package leaves the new web UI out and answers 404 at `/alerts`).
 * @param {string} prometheusUrl
 */
function alertsPage(prometheusUrl) {
  const lookup = Object.assign({}, observe, { responseCallback: http.expectedStatuses(200, 404) });
  const res = http.get(`${prometheusUrl}/alerts`, lookup);
  return res.status === 404 ? `${prometheusUrl}/classic/alerts` : `${prometheusUrl}/alerts`;
}

function matches(labels, wanted) {
  return Object.entries(wanted).every(([key, value]) => labels[key] === value);
}

/** Prometheus's alert with `labels`, firing, active since `sinceMs` or later; undefined if none. */
function firingInPrometheus(prometheusUrl, labels, sinceMs) {
  const res = http.get(`${prometheusUrl}/api/v1/alerts`, observe);
  if (res.status !== 200) return undefined;
  const alerts = prometheusAlertsOf(res);
  return alerts.find(
    (a) =>
      a.state === "firing" && matches(a.labels, labels) && Date.parse(a.activeAt) >= sinceMs - 1000,
  );
}

/**
 * Ends the run at once when the alert is active already (an earlier run's, not yet resolved):
 * this run could not tell its own firing from that one. `because` says why it matters when the
 * alert is another one (one that would hold back this run's page).
 * @param {string} prometheusUrl
 * @param {Record<string, string>} labels
 * @param {string} [because]
 */
export function requireInactiveAlert(prometheusUrl, labels, because) {
  const res = http.get(`${prometheusUrl}/api/v1/alerts`, observe);
  const active = prometheusAlertsOf(res);
  if (active.some((a) => matches(a.labels, labels))) {
    const why = because ? `, and ${because}` : "";
    exec.test.abort(
      `${labels.alertname} is active already (an earlier run's?)${why}: wait until it resolves (about 3 minutes, see ${alertsPage(prometheusUrl)}) and run again`,
    );
  }
}

/** Alertmanager's alerts with `labels`: their `status.state` says active or suppressed. */
export function alertmanagerAlerts(alertmanagerUrl, labels) {
  const res = http.get(`${alertmanagerUrl}/api/v2/alerts`, observe);
  if (res.status !== 200) return [];
  const alerts = /** @type {AlertmanagerAlert[]} */ ((res.status === 200 && res.json()) || []);
  return alerts.filter((a) => matches(a.labels, labels));
}

/**
 * The k6 scenario that waits for the alert, run by the script's `verifyAlert` function: one
 * iteration from the trigger on, with time for the budget and for Alertmanager's delivery, and
 * for watching the alerts `watchSeconds` from the trigger.
 * @param {number} startSeconds when the burst or the fault starts
 * @param {number} firesWithinSeconds the alert's budget
 * @param {number} [watchSeconds]
 */
export function verifyAlertScenario(startSeconds, firesWithinSeconds, watchSeconds = 0) {
  return {
    executor: "per-vu-iterations",
    exec: "verifyAlert",
    vus: 1,
    iterations: 1,
    startTime: `${startSeconds}s`,
    maxDuration: `${Math.ceil(Math.max(firesWithinSeconds + 30, watchSeconds + 10))}s`,
  };
}

/**
 * Polls Prometheus and Alertmanager every second until the alert with `labels` fires in both,
 * having become active after `sinceMs`, or until `budgetSeconds` (plus a grace to see a late
 * one) have passed. Records `alert_fired` (true when it fired within the budget) and
 * `time_to_alert` (from `sinceMs` to firing in both). Returns the seconds it took, if it fired.
 * @param {{ prometheusUrl: string, alertmanagerUrl: string }} urls
 * @param {Record<string, string>} labels the alert's name and labels, e.g. { alertname, service }
 * @param {number} sinceMs epoch ms of the trigger (the burst's or the fault's start)
 * @param {number} budgetSeconds
 * @returns {number | undefined}
 */
export function awaitAlert(urls, labels, sinceMs, budgetSeconds) {
  const giveUpAt = sinceMs + (budgetSeconds + 15) * 1000;
  let inPrometheusAt;
  while (Date.now() < giveUpAt) {
    if (inPrometheusAt === undefined && firingInPrometheus(urls.prometheusUrl, labels, sinceMs)) {
      inPrometheusAt = Date.now();
    }
    const delivered = alertmanagerAlerts(urls.alertmanagerUrl, labels).some(
      (a) => Date.parse(a.startsAt) >= sinceMs - 1000,
    );
    if (inPrometheusAt !== undefined && delivered) {
      const seconds = (Date.now() - sinceMs) / 1000;
      timeToAlert.add(seconds * 1000, labels);
      alertFired.add(seconds <= budgetSeconds, labels);
      if (seconds > budgetSeconds) {
        console.error(
          `${labels.alertname} fired after ${seconds.toFixed(1)} s, over its ${budgetSeconds} s: see ${alertsPage(urls.prometheusUrl)}`,
        );
      }
      return seconds;
    }
    sleep(1);
  }
  alertFired.add(false, labels);
  if (inPrometheusAt === undefined) {
    console.error(
      `${labels.alertname} did not fire within ${budgetSeconds} s: see ${alertsPage(urls.prometheusUrl)}`,
    );
  } else {
    const seconds = ((inPrometheusAt - sinceMs) / 1000).toFixed(1);
    console.error(
      `${labels.alertname} fired in Prometheus after ${seconds} s but never reached Alertmanager at ${urls.alertmanagerUrl}: check Prometheus's alerting config and its notifications (prometheus_notifications_errors_total)`,
    );
  }
  return undefined;
}
