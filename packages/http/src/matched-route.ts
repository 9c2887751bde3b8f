import type { Context } from "hono";
import { matchedRoutes } from "hono/route";

/**
 * The route template of the request (`/v1/todos/:id`), read after `await next()`: the handler's
 * that answered or, when a middleware answered first (a 401 from `app.use("/v1/*", auth)`),
 * the handler's the request was matched to. Undefined when no handler matched (unknown routes,
 * 405), so those never mint new route labels.
 */
export function matchedRoute(c: Context): string | undefined {
  const routes = matchedRoutes(c);
  // Hono runs the matched routes in order: middleware (`ALL`) and handlers interleaved.
  const route = routes.slice(c.req.routeIndex).find((candidate) => candidate.method !== "ALL");
  return route?.path;
}
