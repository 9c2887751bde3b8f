import type { Logger } from "@tracemesh/logger";
import { Hono, type MiddlewareHandler } from "hono";
import { accessLog } from "./access-log.ts";
import { deadline } from "./deadline.ts";
import { notFound } from "./not-found.ts";
import { onError } from "./on-error.ts";
import { requestContext } from "./request-context.ts";
import { routeName } from "./route-name.ts";
import { notReadyWhileShuttingDown } from "./shutting-down.ts";

/** Middleware and routes mounted before the service's own: `@tracemesh/chaos`'s fault controls. */
export interface ServiceControls {
  /** Runs before every route of the service. */
  middleware: MiddlewareHandler;
  /** Mounted at `/`, before the service's routes. */
  routes: Hono;
}

export interface ServiceAppOptions {
  /** The service logger; each request gets a child of it as `c.var.logger`. */
  logger: Logger;
  /** The most time one request may take; a caller's X-Request-Timeout-Ms may only shorten it. */
  requestBudgetMs: number;
  /**
   * The fault controls (`createChaosControls()`), given only with CHAOS_ENABLED=true: without
   * them `/chaos` is an unknown path like any other, and no request pays for fault checks.
   */
  chaos?: ServiceControls | undefined;
}

/**
 * A service's Hono app before its routes, with what every service shares, in this order:
 *
 * 1. `requestContext()`: the trace and request ids, first, so that every response (errors and
 *    rejected requests too) has `traceresponse` and `X-Request-Id` and every later step the ids.
 * 2. `routeName()`: names the server span and the metrics' `http_route` once the route matched.
 * 3. `accessLog()`: the request's logger (with the ids), and one line once the response (the
 *    error handlers' included) is known.
 * 4. `deadline()`: the request's budget, before anything that may wait: chaos latency, routes.
 * 5. `onError` and `notFound`: every error, and unknown paths and methods, in the contract.
 * 6. `/health/ready` fails from the shutdown signal on (`startHttpServer`'s grace period),
 *    whatever the service's own readiness checks say.
 * 7. the chaos middleware and routes, when given: after the budget, which bounds an injected
 *    latency, and the access log, which records a fault, and before every route of the service.
 *
 * The service adds its own routes to the app it returns.
 */
export function createServiceApp(options: ServiceAppOptions): Hono {
  const { logger, requestBudgetMs, chaos } = options;
  const app = new Hono();
  app.use(
    requestContext(),
    routeName(),
    accessLog({ logger }),
    deadline({ budgetMs: requestBudgetMs }),
  );
  app.onError(onError);
  app.notFound(notFound({ app }));
  app.use("/health/ready", notReadyWhileShuttingDown());
  if (chaos) {
    app.use(chaos.middleware);
    app.route("/", chaos.routes);
  }
  return app;
}
