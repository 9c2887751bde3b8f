export { createSinkApp } from "./app.ts";
export type { Attributes, AttributeValue } from "./attribute-value.ts";
export { decodeTracesRequest, type OtlpEncoding } from "./decode-traces-request.ts";
export { findTraces, type TraceQuery } from "./find-traces.ts";
export type {
  FlatSpan,
  FlatSpanEvent,
  FlatSpanLink,
  SpanKindName,
  StatusCodeName,
} from "./flat-span.ts";
export type {
  JaegerErrorResponse,
  JaegerServicesResponse,
  JaegerTracesResponse,
} from "./jaeger-query-routes.ts";
export type * from "./otlp-json.ts";
export type { OtlpReceiverOptions } from "./otlp-receiver-routes.ts";
export { OtlpRequestError } from "./otlp-request-error.ts";
export { ExportTraceServiceRequest, ExportTraceServiceResponse } from "./otlp-trace-proto.ts";
export {
  createSpanStore,
  type SpanStore,
  type SpanStoreOptions,
  type StoredSpan,
} from "./span-store.ts";
export { type OtlpSink, type OtlpSinkOptions, startOtlpSink } from "./start-otlp-sink.ts";
export { toTracesData } from "./to-traces-data.ts";
