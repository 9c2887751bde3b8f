import { MethodNotAllowedError, NotFoundError } from "@tracemesh/errors";
import type { Hono, NotFoundHandler } from "hono";
import { TrieRouter } from "hono/router/trie-router";
import type { RouterRoute } from "hono/types";
import { toErrorResponse } from "./error-response.ts";

export interface NotFoundOptions {
  /** The application whose routes decide between 404 and 405. */
  app: Pick<Hono, "routes">;
}

/** A router from each registered path to the methods it answers (GET implies HEAD). */
function buildMethodRouter(routes: readonly RouterRoute[]): TrieRouter<string[]> {
  const methodsByPath = new Map<string, Set<string>>();
  for (const route of routes) {
    // Middleware (`app.use`) is registered as ALL: it does not make a path exist.
    if (route.method === "ALL") continue;
    const methods = methodsByPath.get(route.path) ?? new Set<string>();
    methods.add(route.method);
    if (route.method === "GET") methods.add("HEAD");
    methodsByPath.set(route.path, methods);
  }
  const router = new TrieRouter<string[]>();
  for (const [path, methods] of methodsByPath) router.add("ALL", path, [...methods]);
  return router;
}

/**
 * `app.notFound(notFound({ app }))`: 405 METHOD_NOT_ALLOWED with `Allow` when the path exists
 * under other methods (unknown methods such as BREW included), 404 RESOURCE_NOT_FOUND otherwise.
 * Deciding here answers once: Hono's methodNotAllowed middleware rewrites a 404 that was
 * already built, counted and logged (service-app.test.ts "an unknown path is 404 and another
 * method of a known path 405, each counted and logged as itself").
 */
export function notFound(options: NotFoundOptions): NotFoundHandler {
  const { app } = options;
  let methodRouter: TrieRouter<string[]> | undefined;
  return function notFoundHandler(c) {
    // Built on first use: routes are registered after app.notFound(), and Hono refuses
    // new routes once it has matched a request, so this router never goes stale.
    methodRouter ??= buildMethodRouter(app.routes);
    const allowed = new Set<string>();
    for (const [methods] of methodRouter.match("ALL", c.req.path)[0]) {
      for (const method of methods) allowed.add(method);
    }
    if (allowed.size === 0 || allowed.has(c.req.method)) {
      return toErrorResponse(c, new NotFoundError({ message: "no route" }));
    }
    return toErrorResponse(c, new MethodNotAllowedError([...allowed]));
  };
}
