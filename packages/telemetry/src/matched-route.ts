import type { Context } from "hono";
import { matchedRoutes } from "hono/route";

/**
 * The route template of the handler that answered (`/v1/todos/:id`), read after `await next()`;
 * undefined when only middleware ran (unknown routes), so 404s never mint new route labels.
 */
export function matchedRoute(c: Context): string | undefined {
  const route = matchedRoutes(c)[c.req.routeIndex];
  if (!route || route.method === "ALL") return undefined;
  return route.path;
}
