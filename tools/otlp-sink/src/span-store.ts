import { type FlatSpan, toFlatSpan } from "./flat-span.ts";
import type { OtlpResource, OtlpResourceSpans, OtlpScope, OtlpSpan } from "./otlp-json.ts";

/** A received span as sent, with the resource and scope it came under, and its flat view. */
export interface StoredSpan {
  resource: OtlpResource | undefined;
  resourceSchemaUrl: string | undefined;
  scope: OtlpScope | undefined;
  scopeSchemaUrl: string | undefined;
  span: OtlpSpan;
  flat: FlatSpan;
}

export interface SpanStoreOptions {
  /** Traces kept; past it, the trace that received a span least recently is dropped. @default 1000 */
  maxTraces?: number;
  /** Spans kept per trace; later ones are dropped. @default 10000 */
  maxSpansPerTrace?: number;
}

/** Received spans grouped by trace, bounded in memory. */
export interface SpanStore {
  /**
   * Keeps the spans of one export request; returns how many it could not keep (their trace held
   * `maxSpansPerTrace` already), for the sender to be told.
   */
  add(resourceSpans: readonly OtlpResourceSpans[]): number;
  /** Every kept span: trace by trace, least recently updated first; each in arrival order. */
  spans(): FlatSpan[];
  /** The spans of one trace by start time; empty when the trace is unknown. */
  trace(traceId: string): FlatSpan[];
  /** The spans of one trace as received, or undefined when the trace is unknown. */
  storedSpans(traceId: string): StoredSpan[] | undefined;
  /** Trace ids, the least recently updated first. */
  traceIds(): string[];
  /** Service names seen in the kept spans, sorted. */
  services(): string[];
  /** Calls `listener` after each `add`; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
  clear(): void;
}

function byStartTime(a: StoredSpan, b: StoredSpan): number {
  const difference = BigInt(a.flat.startTimeUnixNano) - BigInt(b.flat.startTimeUnixNano);
  return difference === 0n ? 0 : difference < 0n ? -1 : 1;
}

/** Creates an in-memory span store. */
export function createSpanStore(options: SpanStoreOptions = {}): SpanStore {
  const { maxTraces = 1000, maxSpansPerTrace = 10_000 } = options;
  // Map order is insertion order: re-inserting a trace on update makes the first entry the oldest.
  const traces = new Map<string, Map<string, StoredSpan>>();
  const listeners = new Set<() => void>();

  /** Keeps `stored`; false when its trace is full. */
  function keep(stored: StoredSpan): boolean {
    const { traceId, spanId } = stored.flat;
    const trace = traces.get(traceId) ?? new Map<string, StoredSpan>();
    traces.delete(traceId);
    traces.set(traceId, trace);
    // A retried export sends the same span again: the later copy replaces the first.
    if (!trace.has(spanId) && trace.size >= maxSpansPerTrace) return false;
    trace.set(spanId, stored);
    return true;
  }

  function add(resourceSpansList: readonly OtlpResourceSpans[]): number {
    let rejected = 0;
    for (const { resource, schemaUrl, scopeSpans } of resourceSpansList) {
      for (const { scope, spans, schemaUrl: scopeSchemaUrl } of scopeSpans ?? []) {
        for (const span of spans ?? []) {
          const flat = toFlatSpan(resource, scope, span);
          const stored = {
            resource,
            resourceSchemaUrl: schemaUrl,
            scope,
            scopeSchemaUrl,
            span,
            flat,
          };
          if (!keep(stored)) rejected += 1;
        }
      }
    }
    for (const oldest of traces.keys()) {
      if (traces.size <= maxTraces) break;
      traces.delete(oldest);
    }
    for (const listener of listeners) listener();
    return rejected;
  }

  function storedSpans(traceId: string): StoredSpan[] | undefined {
    const trace = traces.get(traceId.toLowerCase());
    return trace && [...trace.values()].sort(byStartTime);
  }

  function spans(): FlatSpan[] {
    return [...traces.values()].flatMap((trace) => [...trace.values()].map((s) => s.flat));
  }

  return {
    add,
    spans,
    trace: (traceId) => (storedSpans(traceId) ?? []).map((stored) => stored.flat),
    storedSpans,
    traceIds: () => [...traces.keys()],
    services: () => [...new Set(spans().map((span) => span.serviceName))].sort(),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    clear: () => traces.clear(),
  };
}
