import type { ChaosControls } from "@tracemesh/chaos";
import { captureLogger } from "@tracemesh/logger/testing";
import type { Hono } from "hono";
import { type AppDeps, createApp } from "../app.ts";
import type { ReadinessChecks } from "../routes/health-routes.ts";
import { captureSink } from "./capture.ts";

export const ALERTS_TOKEN = "alerts-token-for-tests-0123456789";

export interface TestAppOptions {
  alertsToken?: string | undefined;
  readiness?: ReadinessChecks;
  requestBudgetMs?: number;
  chaos?: ChaosControls;
}

/** The app as main.ts builds it, with a capturing sink and captured logs. */
export function createTestApp(options: TestAppOptions = {}) {
  const logs = captureLogger({ service: "notifier" });
  const capture = captureSink();
  const deps: AppDeps = {
    logger: logs.logger,
    sink: capture.sink,
    alertsToken: "alertsToken" in options ? options.alertsToken : ALERTS_TOKEN,
    readiness: options.readiness ?? { nats: () => true, consumer: () => true },
    requestBudgetMs: options.requestBudgetMs ?? 5000,
    chaos: options.chaos,
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
