import type { ChaosControls } from "@tracemesh/chaos";
import { createServiceApp } from "@tracemesh/http";
import type { Logger } from "@tracemesh/logger";
import type { Hono } from "hono";
import type { FindExampleTrace } from "./alerts/example-trace.ts";
import type { NotificationSink } from "./delivery/notification-sink.ts";
import { alertsRoute } from "./routes/alerts-route.ts";
import { healthRoutes, type ReadinessChecks } from "./routes/health-routes.ts";

export interface AppDeps {
  logger: Logger;
  /** Where alert notifications go: the same sink as todo notifications. */
  sink: NotificationSink;
  /** `ALERTS_TOKEN`, the bearer secret of `POST /v1/alerts`; undefined refuses every call. */
  alertsToken: string | undefined;
  /** Names an example failing trace in error alerts; undefined without a trace backend. */
  findExampleTrace?: FindExampleTrace | undefined;
  /** What `/health/ready` requires, e.g. the NATS connection open and the consumer running. */
  readiness: ReadinessChecks;
  /** Time budget of one request; callers may shorten it, never lengthen it. */
  requestBudgetMs: number;
  /** Present only with CHAOS_ENABLED=true: mounts `/chaos` and the fault injection. */
  chaos?: ChaosControls | undefined;
}

/** The notifier's Hono app: Alertmanager's webhook and health. Events arrive over NATS, not here. */
export function createApp(deps: AppDeps): Hono {
  const { logger, requestBudgetMs, chaos } = deps;
  const app = createServiceApp({ logger, requestBudgetMs, chaos });
  app.route("/", healthRoutes(deps.readiness));
  app.route(
    "/",
    alertsRoute({
      sink: deps.sink,
      alertsToken: deps.alertsToken,
      findExampleTrace: deps.findExampleTrace,
    }),
  );
  return app;
}
