import { notFound, onError } from "@tracemesh/errors";
import { accessLog, type Logger } from "@tracemesh/logger";
import { deadline } from "@tracemesh/resilience";
import { requestContext, routeName } from "@tracemesh/telemetry";
import { Hono } from "hono";
import type { Authorizer } from "./auth/authorizer.ts";
import { requireBearerToken } from "./auth/bearer-token.ts";
import { chaosRoutes } from "./routes/chaos.ts";
import { healthRoutes } from "./routes/health.ts";
import { todoRoutes } from "./routes/todos.ts";
import type { SqlClient } from "./storage/sql-client.ts";
import type { TodoStore } from "./storage/todo-store.ts";

export interface AppDeps {
  store: TodoStore;
  /** Pinged by `/health/ready`. */
  database: Pick<SqlClient, "ping">;
  logger: Logger;
  /** Answers, through auth, whether each `/v1` request may do what it asks. */
  authorizer: Authorizer;
  /** Time one request may take; a caller's X-Request-Timeout-Ms may only shorten it. @default 5000 */
  requestBudgetMs?: number;
  /** Mounts the incident replay (`GET /error`). @default false */
  chaosEnabled?: boolean;
  /** @default 65536 */
  requestBodyLimitBytes?: number;
}

/** The todo-api Hono app, ready for `app.request()` or a server: no listening, no env. */
export function createApp(deps: AppDeps): Hono {
  const { store, database, logger, authorizer, chaosEnabled = false } = deps;
  const { requestBudgetMs = 5_000, requestBodyLimitBytes } = deps;
  const app = new Hono();
  app.use(
    requestContext(),
    routeName(),
    accessLog({ logger }),
    deadline({ budgetMs: requestBudgetMs }),
  );
  app.onError(onError);
  app.notFound(notFound({ app }));

  app.route("/health", healthRoutes({ database }));
  // Every /v1 request is authenticated before anything else, unknown /v1 paths included.
  app.use("/v1/*", requireBearerToken());
  app.route("/v1/todos", todoRoutes({ store, authorizer, bodyLimitBytes: requestBodyLimitBytes }));
  // Without chaos the route does not exist at all: 404 like any unknown path (DESIGN §8).
  if (chaosEnabled) app.route("/", chaosRoutes());
  return app;
}
