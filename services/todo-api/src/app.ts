import type { ChaosControls } from "@tracemesh/chaos";
import { createServiceApp } from "@tracemesh/http";
import type { Logger } from "@tracemesh/logger";
import type { Hono } from "hono";
import type { Authorizer } from "./auth/authorizer.ts";
import { requireBearerToken } from "./auth/bearer-token.ts";
import { healthRoutes } from "./routes/health.ts";
import { incidentRoutes } from "./routes/incident.ts";
import { todoRoutes } from "./routes/todos.ts";
import type { SqlClient } from "./storage/sql-client.ts";
import type { TodoStore } from "./storage/todo-store.ts";

export interface AppDeps {
  store: TodoStore;
  /** Pinged by `/health/ready`. */
  database: Pick<SqlClient, "ping">;
  /** Whether the outbox relay reaches NATS, reported (not required) by `/health/ready`. */
  natsConnected?: () => boolean;
  logger: Logger;
  /** Answers, through auth, whether each `/v1` request may do what it asks. */
  authorizer: Authorizer;
  /** Time one request may take; a caller's X-Request-Timeout-Ms may only shorten it. @default 5000 */
  requestBudgetMs?: number;
  /**
   * Present only with CHAOS_ENABLED=true: mounts `/chaos`, the fault injection and the
   * incident replay (`GET /error`).
   */
  chaos?: ChaosControls | undefined;
  /** @default 65536 */
  requestBodyLimitBytes?: number;
}

/** The todo-api Hono app, ready for `app.request()` or a server: no listening, no env. */
export function createApp(deps: AppDeps): Hono {
  const { store, database, logger, authorizer, chaos } = deps;
  const { requestBudgetMs = 5_000, requestBodyLimitBytes } = deps;
  const app = createServiceApp({ logger, requestBudgetMs, chaos });
  // The incident's GET /error, only with chaos: otherwise a 404 like any unknown path
  // (docs/architecture.md#chaos).
  if (chaos) app.route("/", incidentRoutes());

  app.route("/health", healthRoutes({ database, natsConnected: deps.natsConnected }));
  // Every /v1 request is authenticated before anything else, unknown /v1 paths included.
  app.use("/v1/*", requireBearerToken());
  app.route("/v1/todos", todoRoutes({ store, authorizer, bodyLimitBytes: requestBodyLimitBytes }));
  return app;
}
