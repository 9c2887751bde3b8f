import type { AlertmanagerServer } from "@tracemesh/mesh";
import { startTestAlertmanager } from "@tracemesh/mesh/testing";
import { waitFor } from "@tracemesh/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { AlertmanagerAlert } from "./alerting-apis.ts";

// What the real Alertmanager holds back on the repository's inhibit_rules, given alerts posted
// to it as Prometheus would post them. Which alert fires when is promtool's part
// (prometheus/tests/); what then reaches a person is decided here.

let alertmanager: AlertmanagerServer;
beforeAll(async () => {
  alertmanager = await startTestAlertmanager();
}, 60_000);
afterAll(() => alertmanager?.stop());

async function post(alerts: Record<string, string>[]): Promise<void> {
  const endsAt = new Date(Date.now() + 10 * 60_000).toISOString();
  const response = await fetch(`${alertmanager.url}/api/v2/alerts`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(alerts.map((labels) => ({ labels, endsAt }))),
  });
  expect(response.status).toBe(200);
}

/** The state Alertmanager gives each alert, by `alertname/service/dependency`. */
async function states(): Promise<Record<string, string>> {
  const response = await fetch(`${alertmanager.url}/api/v2/alerts`);
  const alerts = (await response.json()) as AlertmanagerAlert[];
  return Object.fromEntries(
    alerts.map(({ labels, status }) => [
      [labels.alertname, labels.service, labels.dependency].filter(Boolean).join("/"),
      status.state,
    ]),
  );
}

describe("Alertmanager's inhibit_rules", () => {
  test("auth down holds back what its callers fail with, not an outage of another dependency", async () => {
    // The notifier's error ratio, with no DependencyUnavailable of its own to hold it back.
    await post([
      { alertname: "TargetDown", service: "auth", severity: "page" },
      { alertname: "DependencyUnavailable", service: "todo-api", dependency: "auth" },
      { alertname: "DependencyUnavailable", service: "todo-api", dependency: "database" },
      { alertname: "HttpErrorRatioHigh", service: "notifier", severity: "page" },
    ]);
    let seen: Record<string, string> = {};
    await waitFor(async () => {
      seen = await states();
      return seen["DependencyUnavailable/todo-api/auth"] === "suppressed";
    }, "auth's TargetDown to hold back todo-api's DependencyUnavailable naming auth");
    expect(seen).toEqual({
      "TargetDown/auth": "active",
      "DependencyUnavailable/todo-api/auth": "suppressed",
      "DependencyUnavailable/todo-api/database": "active",
      "HttpErrorRatioHigh/notifier": "suppressed",
    });
  });
});
