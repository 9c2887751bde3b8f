// Reading traces back from Jaeger's query API v3, which the local OTLP sink also answers.
export {
  type FetchTraceOptions,
  fetchTrace,
  TRACE_QUERY_TIMEOUT_MS,
  TraceQueryError,
} from "./fetch-trace.ts";
export { findTracesPath, groupByTrace, type TraceSearch } from "./find-traces.ts";
export { flattenOtlpTrace, type TraceSpan } from "./otlp-trace.ts";
