import type { FlatSpan } from "./flat-span.ts";
import type { SpanStore, StoredSpan } from "./span-store.ts";

/** The subset of Jaeger's `TraceQueryParameters` the sink answers. */
export interface TraceQuery {
  serviceName?: string;
  operationName?: string;
  /** Nanoseconds since the Unix epoch. */
  startTimeMin?: bigint;
  startTimeMax?: bigint;
  /** @default 20 */
  limit?: number;
  /**
   * Span attributes that must match, compared as text. As in Jaeger, `error` is the span's
   * status instead ("true": ERROR, "false": OK).
   */
  attributes?: Record<string, string>;
}

function matchesAttributes(span: FlatSpan, attributes: Record<string, string>): boolean {
  return Object.entries(attributes).every(([key, expected]) => {
    if (key === "error") return span.status.code === (expected === "true" ? "ERROR" : "OK");
    const actual = span.attributes[key];
    return actual !== undefined && actual !== null && String(actual) === expected;
  });
}

function matches(span: FlatSpan, query: TraceQuery): boolean {
  const start = BigInt(span.startTimeUnixNano);
  return (
    (query.serviceName === undefined || span.serviceName === query.serviceName) &&
    (query.operationName === undefined || span.name === query.operationName) &&
    (query.startTimeMin === undefined || start >= query.startTimeMin) &&
    (query.startTimeMax === undefined || start <= query.startTimeMax) &&
    (query.attributes === undefined || matchesAttributes(span, query.attributes))
  );
}

function latestStart(spans: readonly StoredSpan[]): bigint {
  return spans.reduce((latest, { flat }) => {
    const start = BigInt(flat.startTimeUnixNano);
    return start > latest ? start : latest;
  }, 0n);
}

/**
 * The traces with a span matching every given criterion (as in Jaeger, service, operation and
 * start time apply to the same span), the most recently started first.
 */
export function findTraces(store: SpanStore, query: TraceQuery): StoredSpan[][] {
  const found = store
    .traceIds()
    .map((traceId) => store.storedSpans(traceId) ?? [])
    .filter((spans) => spans.some(({ flat }) => matches(flat, query)))
    .map((spans) => ({ spans, latest: latestStart(spans) }));
  found.sort((a, b) => (a.latest === b.latest ? 0 : a.latest > b.latest ? -1 : 1));
  return found.slice(0, query.limit ?? 20).map(({ spans }) => spans);
}
