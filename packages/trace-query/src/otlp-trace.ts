/** One span of a trace, flattened from OTLP JSON (Jaeger query API v3 and the local sink). */
export interface TraceSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: string;
  serviceName: string;
  startNs: bigint;
  endNs: bigint;
  statusCode: "UNSET" | "OK" | "ERROR";
  statusMessage?: string;
  attributes: Record<string, unknown>;
  events: { name: string; attributes: Record<string, unknown> }[];
  links: { traceId: string; spanId: string }[];
}

// OTLP/JSON leaves a field at its default out: a missing key, or name, is the empty string.
interface OtlpKeyValue {
  key?: string;
  value?: Record<string, unknown>;
}

const SPAN_KINDS = ["UNSPECIFIED", "INTERNAL", "SERVER", "CLIENT", "PRODUCER", "CONSUMER"];
const STATUS_CODES = ["UNSET", "OK", "ERROR"] as const;

/**
 * An OTLP/JSON AnyValue: an int64 past 2^53 stays its decimal string (a number would round it),
 * bytes stay base64, a kvlist becomes an object; an empty value is undefined.
 */
function anyValue(value: Record<string, unknown> | undefined): unknown {
  if (!value) return undefined;
  if ("stringValue" in value) return value.stringValue;
  if ("boolValue" in value) return value.boolValue;
  if ("intValue" in value) {
    const number = Number(value.intValue);
    return Number.isSafeInteger(number) ? number : String(value.intValue);
  }
  if ("doubleValue" in value) return Number(value.doubleValue);
  if ("bytesValue" in value) return value.bytesValue;
  if ("arrayValue" in value) {
    const values = (value.arrayValue as { values?: Record<string, unknown>[] }).values ?? [];
    return values.map(anyValue);
  }
  if ("kvlistValue" in value) {
    return toAttributes((value.kvlistValue as { values?: OtlpKeyValue[] }).values);
  }
  return undefined;
}

function toAttributes(list: OtlpKeyValue[] | undefined): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map((kv) => [kv.key ?? "", anyValue(kv.value)]));
}

/** Jaeger writes enums as names ("SPAN_KIND_SERVER"), OTLP JSON as numbers: accept both. */
function enumName(value: unknown, names: readonly string[], prefix: string): string {
  if (typeof value === "number") return names[value] ?? names[0] ?? "";
  if (typeof value === "string") return value.replace(prefix, "");
  return names[0] ?? "";
}

/** Flattens an OTLP JSON trace document (`{ result: { resourceSpans } }` or `{ resourceSpans }`). */
export function flattenOtlpTrace(document: unknown): TraceSpan[] {
  const root = document as { result?: { resourceSpans?: unknown[] }; resourceSpans?: unknown[] };
  const resourceSpans = (root.result?.resourceSpans ?? root.resourceSpans ?? []) as {
    resource?: { attributes?: OtlpKeyValue[] };
    scopeSpans?: { spans?: Record<string, unknown>[] }[];
  }[];
  return resourceSpans.flatMap((resourceSpan) => {
    const serviceName = String(
      toAttributes(resourceSpan.resource?.attributes)["service.name"] ?? "unknown_service",
    );
    return (resourceSpan.scopeSpans ?? []).flatMap((scope) =>
      (scope.spans ?? []).map((span) => toTraceSpan(span, serviceName)),
    );
  });
}

function toTraceSpan(span: Record<string, unknown>, serviceName: string): TraceSpan {
  const status = (span.status ?? {}) as { code?: unknown; message?: string };
  const parent = typeof span.parentSpanId === "string" ? span.parentSpanId : "";
  return {
    traceId: String(span.traceId),
    spanId: String(span.spanId),
    ...(parent ? { parentSpanId: parent } : {}),
    name: String(span.name ?? ""),
    kind: enumName(span.kind, SPAN_KINDS, "SPAN_KIND_"),
    serviceName,
    startNs: BigInt(String(span.startTimeUnixNano ?? "0")),
    endNs: BigInt(String(span.endTimeUnixNano ?? "0")),
    statusCode: enumName(status.code, STATUS_CODES, "STATUS_CODE_") as TraceSpan["statusCode"],
    ...(status.message ? { statusMessage: status.message } : {}),
    attributes: toAttributes(span.attributes as OtlpKeyValue[] | undefined),
    events: ((span.events ?? []) as { name?: string; attributes?: OtlpKeyValue[] }[]).map((e) => ({
      name: e.name ?? "",
      attributes: toAttributes(e.attributes),
    })),
    links: ((span.links ?? []) as { traceId: string; spanId: string }[]).map((l) => ({
      traceId: l.traceId,
      spanId: l.spanId,
    })),
  };
}
