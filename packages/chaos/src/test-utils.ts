import { createServiceApp } from "@tracemesh/http";
import { captureLogger } from "@tracemesh/logger/testing";
import { createTestClock } from "@tracemesh/testing";
import type { Hono } from "hono";
import { createChaosControls } from "./chaos-controls.ts";
import { CHAOS_PATH } from "./chaos-routes.ts";

export const CHAOS_TOKEN = "chaos-token-for-tests-0123456789";

export interface TestServiceOptions {
  /** Mount the chaos controls, as CHAOS_ENABLED=true does. @default true */
  chaos?: boolean;
  /** The controls' CHAOS_TOKEN; undefined builds them without one. @default CHAOS_TOKEN */
  token?: string | undefined;
  random?: () => number;
  /** The requests' budget (`deadline()`), which bounds an injected latency. @default 5000 */
  budgetMs?: number;
}

/** A service assembled as the services are (`createServiceApp`), a probe and one route. */
export function createTestService(options: TestServiceOptions = {}) {
  const { chaos = true, random, budgetMs = 5000 } = options;
  const token = "token" in options ? options.token : CHAOS_TOKEN;
  const clock = createTestClock();
  const logs = captureLogger();
  const controls = chaos
    ? createChaosControls({ token, logger: logs.logger, now: clock.now, random })
    : undefined;
  const app = createServiceApp({ logger: logs.logger, requestBudgetMs: budgetMs, chaos: controls });
  app.get("/health/ready", (c) => c.json({ status: "ok" }));
  app.get("/v1/things", (c) => c.json({ things: [] }));
  return { app, clock, logs, controls };
}

/** A request to the controls, by default with the right token. */
export function chaosRequest(
  app: Hono,
  method: string,
  body?: unknown,
  token: string | null = CHAOS_TOKEN,
) {
  return app.request(CHAOS_PATH, {
    method,
    headers: {
      ...(token === null ? {} : { Authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}
