import { renderTrace } from "@tracemesh/trace";
import { flattenOtlpTrace } from "@tracemesh/trace-query";
import { Hono } from "hono";
import type { SpanStore } from "./span-store.ts";
import { toTracesData } from "./to-traces-data.ts";

const TRACE_ID = /^[0-9a-f]{32}$/;

/**
 * `GET /trace/:traceId`, where Jaeger's UI shows a trace: here the trace drawn as text, as
 * `pnpm trace` draws it, so that a trace link in an alert works with the sink too.
 */
export function createTracePageRoute(store: SpanStore): Hono {
  return new Hono().get("/trace/:traceId", function tracePage(c) {
    const traceId = c.req.param("traceId").toLowerCase();
    const spans = TRACE_ID.test(traceId) ? store.storedSpans(traceId) : undefined;
    if (!spans) return c.text(`trace ${traceId} not found (spans arrive within seconds)\n`, 404);
    return c.text(`${renderTrace(flattenOtlpTrace(toTracesData(spans)))}\n`);
  });
}
