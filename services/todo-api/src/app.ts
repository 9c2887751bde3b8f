import { notFound, onError } from "@tracemesh/errors";
import { accessLog, type Logger } from "@tracemesh/logger";
import { requestContext, routeName } from "@tracemesh/telemetry";
import { Hono } from "hono";
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
  /** Mounts the incident replay (`GET /error`). @default false */
  chaosEnabled?: boolean;
  /** @default 65536 */
  requestBodyLimitBytes?: number;
}

/** The todo-api Hono app, ready for `app.request()` or a server: no listening, no env. */
export function createApp(deps: AppDeps): Hono {
  const { store, database, logger, chaosEnabled = false, requestBodyLimitBytes } = deps;
  const app = new Hono();
  app.use(requestContext(), routeName(), accessLog({ logger }));
  app.onError(onError);
  app.notFound(notFound({ app }));

  app.route("/health", healthRoutes({ database }));
  app.route("/v1/todos", todoRoutes({ store, bodyLimitBytes: requestBodyLimitBytes }));
  // Without chaos the route does not exist at all: 404 like any unknown path (DESIGN §8).
  if (chaosEnabled) app.route("/", chaosRoutes());
  return app;
}
