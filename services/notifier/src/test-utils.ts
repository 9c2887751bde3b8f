import { demoUser } from "@tracemesh/auth/testing";
import type { ChaosControls } from "@tracemesh/chaos";
import { captureLogger } from "@tracemesh/logger/testing";
import { createCloudEvent } from "@tracemesh/queue";
import type { Deadline } from "@tracemesh/resilience";
import type { Hono } from "hono";
import { alertmanagerPayload } from "./alerts/alertmanager-payload.fixture.ts";
import type { FindExampleTrace } from "./alerts/example-trace.ts";
import { type AppDeps, createApp } from "./app.ts";
import type { Notification } from "./delivery/notification.ts";
import type { DeliveryChannel, NotificationSink } from "./delivery/notification-sink.ts";
import type { ReadinessChecks } from "./routes/health-routes.ts";

// The notifier's own test helpers; those of NATS (servers, topologies) are in
// @tracemesh/queue/testing, processes, ports, waits and meters in @tracemesh/testing, the
// webhook in test-webhook-receiver.ts.

const { id, username, displayName, email } = demoUser("alice");
/** auth's demo user alice as a notification's recipient: for events naming an owner. */
export const ALICE = { id, username, displayName, email };

/** The `todo.created` event of todo number `n`, owned by ALICE: one the notifier delivers. */
export function ownedTodoEvent(n: number) {
  return createCloudEvent({
    type: "todo.created",
    source: "/todo-api",
    data: { id: String(n), title: `todo ${n}`, completed: false, version: 1, ownerId: ALICE.id },
  });
}

/** Alertmanager's webhook call, as it would reach a running notifier at `baseUrl`. */
export function postAlerts(baseUrl: string, alertsToken: string): Promise<Response> {
  return fetch(`${baseUrl}/v1/alerts`, {
    method: "POST",
    headers: { Authorization: `Bearer ${alertsToken}`, "Content-Type": "application/json" },
    body: JSON.stringify(alertmanagerPayload()),
  });
}

/** A sink keeping what it was given; `fail` makes the next deliveries reject with that error. */
export function captureSink(channel: DeliveryChannel = "webhook") {
  const delivered: { notification: Notification; deadline: Deadline }[] = [];
  let failure: Error | undefined;
  const sink: NotificationSink = {
    channel,
    async deliver(notification, deadline) {
      if (failure) throw failure;
      delivered.push({ notification, deadline });
    },
  };
  return {
    sink,
    delivered,
    notifications: () => delivered.map((each) => each.notification),
    fail(error: Error | undefined) {
      failure = error;
    },
  };
}

export const ALERTS_TOKEN = "alerts-token-for-tests-0123456789";

export interface TestAppOptions {
  alertsToken?: string | undefined;
  readiness?: ReadinessChecks;
  requestBudgetMs?: number;
  chaos?: ChaosControls;
  findExampleTrace?: FindExampleTrace;
  /** In place of the capturing one (then `capture` sees nothing). */
  sink?: NotificationSink;
}

/** The app as main.ts builds it, with a capturing sink and captured logs. */
export function createTestApp(options: TestAppOptions = {}) {
  const logs = captureLogger({ service: "notifier" });
  const capture = captureSink();
  const deps: AppDeps = {
    logger: logs.logger,
    sink: options.sink ?? capture.sink,
    alertsToken: "alertsToken" in options ? options.alertsToken : ALERTS_TOKEN,
    readiness: options.readiness ?? { nats: () => true, consumer: () => true },
    requestBudgetMs: options.requestBudgetMs ?? 5000,
    chaos: options.chaos,
    findExampleTrace: options.findExampleTrace,
  };
  return { app: createApp(deps), logs, capture };
}

/** A JSON POST to the app with optional extra headers. */
export function postJson(
  app: Hono,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return Promise.resolve(
    app.request(path, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    }),
  );
}

/** A scraped metric's value: the sum of its samples whose labels include `labels`, if any. */
export type MetricReading = (name: string, labels?: Record<string, string>) => number | undefined;

/** Scrapes a metrics port as Prometheus would (`name{label="value",…} 1` lines). */
export async function scrapeMetrics(url: string): Promise<MetricReading> {
  const text = await (await fetch(url)).text();
  const samples: { name: string; labels: Record<string, string>; value: number }[] = [];
  for (const line of text.split("\n")) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)/.exec(line);
    if (!match) continue;
    const [, name = "", labelText = "", value = ""] = match;
    const labels: Record<string, string> = {};
    for (const [, key = "", raw = ""] of labelText.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
      labels[key] = raw;
    }
    samples.push({ name, labels, value: Number(value) });
  }
  return (name, labels = {}) => {
    const chosen = samples.filter(
      (sample) =>
        sample.name === name &&
        Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
    );
    return chosen.length === 0 ? undefined : chosen.reduce((sum, each) => sum + each.value, 0);
  };
}
