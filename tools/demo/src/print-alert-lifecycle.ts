import { renderTrace } from "@tracemesh/trace";
import type { TraceSpan } from "@tracemesh/trace-query";
import type { AlertTimeline } from "./watch-alert.ts";

export type AlertReport =
  | {
      timeline: AlertTimeline;
      /** The example trace the firing notification named, as the trace backend has it. */
      exampleTrace: TraceSpan[] | undefined;
      /** Prometheus's alerts page (PrometheusServer.alertsPageUrl). */
      prometheusAlertsUrl: string;
      alertmanagerUrl: string;
      /** How long the demo waited for each step before giving up on it. */
      firesWithinSeconds: number;
    }
  /** Why there was no alerting, and how to get it. */
  | { skipped: string };

const indent = (text: string, prefix: string) =>
  text
    .split("\n")
    .map((line) => `${prefix}${line}`)
    .join("\n");

function since(timeline: AlertTimeline, at: number | undefined): string {
  if (at === undefined) return "";
  return `+${((at - timeline.burstStartedAt) / 1000).toFixed(1)} s`.padEnd(10);
}

/**
 * Section 7, first half: the incident alert from the burst to its firing notification, each step
 * with its time since the burst started. Whether the alert got that far: false ends the section.
 */
export function printAlertFiring(report: AlertReport, write: (text: string) => void): boolean {
  write("\n7. The alert, from Prometheus through Alertmanager to the notifier:");
  if ("skipped" in report) {
    write(`   ${report.skipped}`);
    return false;
  }
  const { timeline, exampleTrace, firesWithinSeconds } = report;
  const alert = `${timeline.name}{service="${timeline.service}"}`;
  const clock = new Date(timeline.burstStartedAt).toISOString().slice(11, 23);
  write(`   ${clock}  the burst of GET /error started`);
  if (timeline.pendingAt === undefined) {
    write(`   ${alert} never went pending: see ${report.prometheusAlertsUrl}`);
    return false;
  }
  write(`   ${since(timeline, timeline.pendingAt)}  ${alert} pending in Prometheus`);
  if (timeline.firingAt === undefined) {
    write(`   it did not fire within the wait: see ${report.prometheusAlertsUrl}`);
    return false;
  }
  const late = (timeline.firingAt - timeline.burstStartedAt) / 1000 > firesWithinSeconds;
  const budget = late ? `  LATE: the budget is ${firesWithinSeconds} s` : "";
  write(`   ${since(timeline, timeline.firingAt)}  firing${budget}`);
  const { firing } = timeline;
  if (!firing) {
    write(`   the notifier got no notification of it: see ${report.alertmanagerUrl}`);
    return false;
  }
  write(`   ${since(timeline, firing.at)}  delivered by the notifier: "${firing.summary}"`);
  write(`${" ".repeat(15)}runbook ${firing.runbookUrl ?? "(none)"}`);
  if (firing.exampleTrace) {
    write(`${" ".repeat(15)}example trace ${firing.exampleTrace.url}`);
    if (exampleTrace) write(indent(renderTrace(exampleTrace), " ".repeat(15)));
  } else {
    write(`${" ".repeat(15)}no example trace (the trace backend had none in time)`);
  }
  return true;
}

/** Section 7, second half: resolved in Prometheus, and the resolved notification delivered. */
export function printAlertResolution(timeline: AlertTimeline, write: (text: string) => void): void {
  const { resolved } = timeline;
  // Prometheus resolves an alert before anyone is told, though the demo's poll may see it later
  // than the notifier delivers the news: then the delivery says when it had resolved at the latest.
  const inactiveAt =
    resolved === undefined || timeline.inactiveAt === undefined
      ? timeline.inactiveAt
      : Math.min(timeline.inactiveAt, resolved.at);
  if (inactiveAt !== undefined) {
    write(`   ${since(timeline, inactiveAt)}  resolved in Prometheus`);
  }
  write(
    resolved
      ? `   ${since(timeline, resolved.at)}  the resolved notification delivered`
      : "   not resolved yet: the notifier will deliver the resolved notification when it is",
  );
  if (timeline.othersFiring.length > 0) {
    write(`   also fired meanwhile: ${timeline.othersFiring.join(", ")}`);
  }
  if (timeline.othersStillFiring.length > 0) {
    write(
      `   still firing: ${timeline.othersStillFiring.join(", ")} (each resolves on its own rule's windows)`,
    );
  }
}
