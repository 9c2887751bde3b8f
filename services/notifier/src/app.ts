import type { ChaosControls } from "@tracemesh/chaos";
import { notFound, onError } from "@tracemesh/errors";
import { accessLog, type Logger } from "@tracemesh/logger";
import { deadline } from "@tracemesh/resilience";
import { requestContext, routeName } from "@tracemesh/telemetry";
import { Hono } from "hono";
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
  /** Time budget of one request (DESIGN §6); callers may shorten it, never lengthen it. */
  requestBudgetMs: number;
  /** Present only with CHAOS_ENABLED=true: mounts `/chaos` and the fault injection. */
  chaos?: ChaosControls | undefined;
}

/** The notifier's Hono app: Alertmanager's webhook and health. Events arrive over NATS, not here. */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  app.use(requestContext(), routeName(), accessLog({ logger: deps.logger }));
  app.onError(onError);
  app.notFound(notFound({ app }));
  app.use(deadline({ budgetMs: deps.requestBudgetMs }));

  // Before the routes they act on, and only with CHAOS_ENABLED=true: otherwise 404 (DESIGN §8).
  if (deps.chaos) {
    app.use(deps.chaos.middleware);
    app.route("/", deps.chaos.routes);
  }

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
