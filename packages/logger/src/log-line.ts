import { isSpanContextValid, trace } from "@opentelemetry/api";
import { redact } from "./redact.ts";

// Fields the line sets itself, plus those the OpenTelemetry winston instrumentation injects
// (`trace_id`…), which are folded into `traceId`/`spanId` so a line has one spelling.
const OWN_FIELDS = new Set([
  "timestamp",
  "level",
  "service",
  "message",
  "event",
  "traceId",
  "spanId",
  "requestId",
  "trace_id",
  "span_id",
  "trace_flags",
]);

interface TraceIds {
  traceId?: string;
  spanId?: string;
}

/**
 * The object written for one winston record: timestamp, level, service, event (the message),
 * traceId, spanId, requestId, then the record's other fields, all redacted. Errors keep their stack
 * on `error` lines only (docs/architecture.md#config-logs-and-metrics): a warn about a dependency
 * needs its name and message.
 */
export function toLogLine(info: Record<string, unknown>, service: string): Record<string, unknown> {
  const line: Record<string, unknown> = {
    timestamp: new Date().toISOString(),
    level: info.level,
    service,
    event: info.message,
    ...traceIdsOf(info),
    requestId: info.requestId,
  };
  for (const [key, value] of Object.entries(info)) {
    if (!OWN_FIELDS.has(key)) line[key] = value;
  }
  return redact(line, { stacks: info.level === "error" }) as Record<string, unknown>;
}

// The instrumentation's ids were taken when the record was written, the active span is read
// when it is formatted (the same moment unless winston buffered), and the metadata ids come
// from the request's child logger, so lines have them even with the SDK disabled.
function traceIdsOf(info: Record<string, unknown>): TraceIds {
  if (typeof info.trace_id === "string" && typeof info.span_id === "string") {
    return { traceId: info.trace_id, spanId: info.span_id };
  }
  const active = trace.getActiveSpan()?.spanContext();
  if (active && isSpanContextValid(active)) {
    return { traceId: active.traceId, spanId: active.spanId };
  }
  return { traceId: stringOrUndefined(info.traceId), spanId: stringOrUndefined(info.spanId) };
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}
