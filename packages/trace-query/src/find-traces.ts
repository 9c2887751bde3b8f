import { flattenOtlpTrace, type TraceSpan } from "./otlp-trace.ts";

/** A search of Jaeger's query API v3 (`GET /api/v3/traces`): a span must match all of it. */
export interface TraceSearch {
  serviceName: string;
  startTimeMin: Date;
  startTimeMax: Date;
  /**
   * Span attributes to match. `{ error: "true" }` asks for spans with status ERROR. Jaeger
   * reads them from 2.19 on, as the local sink does; an older Jaeger ignores them, so check
   * what comes back.
   */
  attributes?: Record<string, string>;
  /** How many traces at most. @default 20 */
  limit?: number;
}

/**
 * The path and query of a FindTraces call. The snake_case names are the ones every Jaeger v2
 * and the local OTLP sink read (Jaeger 2.19 added camelCase ones and kept these).
 */
export function findTracesPath(search: TraceSearch): string {
  const params = new URLSearchParams({
    "query.service_name": search.serviceName,
    "query.start_time_min": search.startTimeMin.toISOString(),
    "query.start_time_max": search.startTimeMax.toISOString(),
    "query.num_traces": String(search.limit ?? 20),
  });
  if (search.attributes) params.set("query.attributes", JSON.stringify(search.attributes));
  return `/api/v3/traces?${params}`;
}

/** The spans of a FindTraces answer, one array per trace, in the order the traces came. */
export function groupByTrace(document: unknown): TraceSpan[][] {
  const traces = new Map<string, TraceSpan[]>();
  for (const span of flattenOtlpTrace(document)) {
    const spans = traces.get(span.traceId);
    if (spans) spans.push(span);
    else traces.set(span.traceId, [span]);
  }
  return [...traces.values()];
}
