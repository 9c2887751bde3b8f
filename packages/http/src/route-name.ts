import { context, trace } from "@opentelemetry/api";
import { getRPCMetadata, RPCType } from "@opentelemetry/core";
import { ATTR_HTTP_ROUTE } from "@opentelemetry/semantic-conventions";
import type { MiddlewareHandler } from "hono";
import { matchedRoute } from "./matched-route.ts";

/**
 * Names the request's server span `${method} ${route}` and hands the matched route template to the
 * http instrumentation, so spans carry `http.route` and HTTP metrics an `http_route` label.
 * Unmatched requests (404) keep the bare method name: no label per unknown path.
 */
export function routeName(): MiddlewareHandler {
  return async function routeNameMiddleware(c, next) {
    await next();
    const route = matchedRoute(c);
    if (route === undefined) return;
    // The http instrumentation puts this object on the request's context and reads `route` back
    // when the response ends, for both the span attribute and the duration metric's attributes.
    const rpcMetadata = getRPCMetadata(context.active());
    if (rpcMetadata?.type === RPCType.HTTP) rpcMetadata.route = route;
    const span = rpcMetadata?.span ?? trace.getActiveSpan();
    if (!span?.isRecording()) return;
    span.updateName(`${c.req.method} ${route}`);
    span.setAttribute(ATTR_HTTP_ROUTE, route);
  };
}
