import { describe, expect, it, vi } from "vitest";
import { createSpanStore } from "./span-store.ts";
import { otlpJsonRequest, ROOT_SPAN_ID, TRACE_ID, traceIdOf } from "./test-utils.ts";

function spanOf(
  traceId: string,
  spanId = ROOT_SPAN_ID,
  extra: { name?: string; startTimeUnixNano?: string; service?: string } = {},
) {
  return otlpJsonRequest({ traceId, spanId, ...extra }).resourceSpans;
}

describe("createSpanStore", () => {
  it("keeps spans by trace and returns a trace's spans by start time", () => {
    const store = createSpanStore();
    store.add(spanOf(TRACE_ID, "1111111111111111", { name: "late", startTimeUnixNano: "300" }));
    store.add(spanOf(TRACE_ID, "2222222222222222", { name: "early", startTimeUnixNano: "100" }));
    store.add(spanOf(traceIdOf(1), "3333333333333333", { name: "other" }));

    expect(store.trace(TRACE_ID).map((span) => span.name)).toEqual(["early", "late"]);
    expect(store.trace(TRACE_ID.toUpperCase())).toHaveLength(2);
    expect(store.spans()).toHaveLength(3);
    expect(store.trace(traceIdOf(2))).toEqual([]);
    expect(store.storedSpans(traceIdOf(2))).toBeUndefined();
  });

  it("keeps one copy of a span an exporter sent twice", () => {
    const store = createSpanStore();
    store.add(spanOf(TRACE_ID, ROOT_SPAN_ID, { name: "first" }));
    store.add(spanOf(TRACE_ID, ROOT_SPAN_ID, { name: "retried" }));

    expect(store.trace(TRACE_ID).map((span) => span.name)).toEqual(["retried"]);
  });

  it("keeps at most maxTraces traces, dropping the one updated least recently", () => {
    const store = createSpanStore({ maxTraces: 3 });
    for (const n of [1, 2, 3]) store.add(spanOf(traceIdOf(n)));
    store.add(spanOf(traceIdOf(1), "4444444444444444"));
    store.add(spanOf(traceIdOf(4)));

    expect(store.traceIds()).toEqual([traceIdOf(3), traceIdOf(1), traceIdOf(4)]);
    expect(store.trace(traceIdOf(2))).toEqual([]);
    expect(store.spans()).toHaveLength(4);
  });

  it("keeps at most maxSpansPerTrace spans of one trace, and counts the ones it did not", () => {
    const store = createSpanStore({ maxSpansPerTrace: 2 });
    const rejected = [1, 2, 3].map((n) => store.add(spanOf(TRACE_ID, String(n).repeat(16))));

    expect(rejected).toEqual([0, 0, 1]);
    // A span it holds, sent again, still replaces its copy.
    expect(store.add(spanOf(TRACE_ID, "2".repeat(16)))).toBe(0);
    expect(store.trace(TRACE_ID).map((span) => span.spanId)).toEqual([
      "1".repeat(16),
      "2".repeat(16),
    ]);
  });

  it("lists services, notifies subscribers and forgets everything on clear", () => {
    const store = createSpanStore();
    const listener = vi.fn();
    const unsubscribe = store.subscribe(listener);
    store.add(spanOf(traceIdOf(1), ROOT_SPAN_ID, { service: "todo-api" }));
    store.add(spanOf(traceIdOf(2), ROOT_SPAN_ID, { service: "auth" }));
    unsubscribe();
    store.add(spanOf(traceIdOf(3), ROOT_SPAN_ID, { service: "auth" }));

    expect(store.services()).toEqual(["auth", "todo-api"]);
    expect(listener).toHaveBeenCalledTimes(2);
    store.clear();
    expect(store.spans()).toEqual([]);
    expect(store.services()).toEqual([]);
  });
});
