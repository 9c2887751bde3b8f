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
  app.notFound((c) => c.json({ error: { httpCode: 404, message: `no route ${c.req.path}` } }, 404));
  return app;
}
