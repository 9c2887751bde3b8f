import { Hono } from "hono";
import { createJaegerQueryRoutes } from "./jaeger-query-routes.ts";
import { createOtlpReceiverRoutes, type OtlpReceiverOptions } from "./otlp-receiver-routes.ts";
import type { SpanStore } from "./span-store.ts";
import { createTracePageRoute } from "./trace-page-route.ts";

/**
 * The sink's HTTP API: the OTLP/HTTP trace receiver, Jaeger's query API v3 over `store`, and a
 * text page per trace where Jaeger's UI has one.
 */
export function createSinkApp(store: SpanStore, options: OtlpReceiverOptions = {}): Hono {
  const app = new Hono();
  app.route("/", createOtlpReceiverRoutes(store, options));
  app.route("/", createJaegerQueryRoutes(store));
  app.route("/", createTracePageRoute(store));
  // Not Jaeger's error body: that says "no such trace", and a query sent to a wrong path (the
  // OTLP endpoint, say) must learn that it is no query API instead.
  app.notFound((c) => c.text(`no route ${c.req.method} ${c.req.path}`, 404));
  return app;
}
