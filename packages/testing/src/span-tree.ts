/** What a span needs for its place in a trace's tree. */
export interface SpanInTree {
  traceId: string;
  spanId: string;
  parentSpanId?: string | undefined;
}

/** The spans of `sink` below `root` (children, grandchildren…), an OTLP sink's or any store's. */
export function descendants<T extends SpanInTree>(
  sink: { trace(traceId: string): T[] },
  root: T,
): T[] {
  const spans = sink.trace(root.traceId);
  const below = new Set([root.spanId]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const span of spans) {
      if (span.parentSpanId && below.has(span.parentSpanId) && !below.has(span.spanId)) {
        below.add(span.spanId);
        grew = true;
      }
    }
  }
  return spans.filter((span) => span.spanId !== root.spanId && below.has(span.spanId));
}
