import { type Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import * as v from "valibot";
import { findTraces } from "./find-traces.ts";
import type { OtlpTracesData } from "./otlp-json.ts";
import type { SpanStore } from "./span-store.ts";
import { toTracesData } from "./to-traces-data.ts";

const TRACE_ID = /^[0-9a-fA-F]{1,32}$/;

const nanosSinceEpoch = v.pipe(
  v.string(),
  v.check((value) => !Number.isNaN(Date.parse(value)), "must be an RFC 3339 timestamp"),
  v.transform((value) => BigInt(Date.parse(value)) * 1_000_000n),
);

// A JSON object of strings, as Jaeger (2.19 on) reads `query.attributes`.
const attributesJson = v.pipe(
  v.string(),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    try {
      return JSON.parse(dataset.value) as unknown;
    } catch {
      addIssue({ message: "must be a JSON object" });
      return NEVER;
    }
  }),
  v.record(v.string(), v.string(), "must be a JSON object of strings"),
);

// Jaeger's names for the FindTraces parameters; the duration filters are not supported.
const FindTracesQuery = v.object({
  "query.service_name": v.optional(v.string()),
  "query.operation_name": v.optional(v.string()),
  "query.start_time_min": v.optional(nanosSinceEpoch),
  "query.start_time_max": v.optional(nanosSinceEpoch),
  "query.num_traces": v.optional(
    v.pipe(v.string(), v.toNumber(), v.integer("must be an integer"), v.minValue(1)),
  ),
  "query.attributes": v.optional(attributesJson),
});

/** Body of Jaeger's GetTrace and FindTraces answers: the spans as OTLP `TracesData`. */
export interface JaegerTracesResponse {
  result: OtlpTracesData;
}

/** Body of Jaeger's GetServices answer. */
export interface JaegerServicesResponse {
  services: string[];
}

/** Jaeger's `GRPCGatewayError` body, which every failed v3 call answers. */
export interface JaegerErrorResponse {
  error: { httpCode: number; message: string };
}

function jaegerError(c: Context, httpCode: ContentfulStatusCode, message: string): Response {
  return c.json<JaegerErrorResponse>({ error: { httpCode, message } }, httpCode);
}

/** The read side of Jaeger's query API v3 (`/api/v3/...`) over the spans in `store`. */
export function createJaegerQueryRoutes(store: SpanStore): Hono {
  const routes = new Hono();

  routes.get("/api/v3/traces/:traceId", function getTrace(c) {
    const traceId = c.req.param("traceId");
    if (!TRACE_ID.test(traceId)) {
      return jaegerError(
        c,
        400,
        `malformed parameter trace_id: "${traceId}" is not a hex trace id`,
      );
    }
    // Jaeger reads shorter ids as left-padded with zeros.
    const spans = store.storedSpans(traceId.toLowerCase().padStart(32, "0"));
    if (!spans) return jaegerError(c, 404, "trace not found");
    return c.json<JaegerTracesResponse>({ result: toTracesData(spans) });
  });

  routes.get("/api/v3/traces", function findTracesRoute(c) {
    const parsed = v.safeParse(FindTracesQuery, c.req.query());
    if (!parsed.success) {
      const issue = parsed.issues[0];
      return jaegerError(
        c,
        400,
        `malformed parameter ${v.getDotPath(issue) ?? ""}: ${issue.message}`,
      );
    }
    const query = parsed.output;
    const traces = findTraces(store, {
      serviceName: query["query.service_name"],
      operationName: query["query.operation_name"],
      startTimeMin: query["query.start_time_min"],
      startTimeMax: query["query.start_time_max"],
      limit: query["query.num_traces"],
      attributes: query["query.attributes"],
    });
    if (traces.length === 0) return jaegerError(c, 404, "No traces found");
    return c.json<JaegerTracesResponse>({ result: toTracesData(traces.flat()) });
  });

  routes.get("/api/v3/services", function getServices(c) {
    return c.json<JaegerServicesResponse>({ services: store.services() });
  });

  return routes;
}
