export { type FetchTraceOptions, fetchTrace } from "./fetch-trace.ts";
export { flattenOtlpTrace, type TraceSpan } from "./otlp-trace.ts";
export { type RenderOptions, renderTrace } from "./render-trace.ts";
