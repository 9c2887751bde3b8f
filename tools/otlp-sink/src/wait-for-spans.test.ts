import { describe, expect, it } from "vitest";
import { createSpanStore } from "./span-store.ts";
import { otlpJsonRequest, TRACE_ID, traceIdOf } from "./test-utils.ts";
import { waitForSpans } from "./wait-for-spans.ts";

const add = (store: ReturnType<typeof createSpanStore>, traceId: string, spanId: string) =>
  store.add(otlpJsonRequest({ traceId, spanId }).resourceSpans);

describe("waitForSpans", () => {
  it("resolves at once when enough spans already match", async () => {
    const store = createSpanStore();
    add(store, TRACE_ID, "1111111111111111");

    const spans = await waitForSpans(store, (span) => span.traceId === TRACE_ID, 100);

    expect(spans.map((span) => span.spanId)).toEqual(["1111111111111111"]);
  });

  it("resolves with the matching spans once `count` of them have arrived", async () => {
    const store = createSpanStore();
    const waiting = waitForSpans(store, (span) => span.traceId === TRACE_ID, 1_000, 2);
    add(store, TRACE_ID, "1111111111111111");
    add(store, traceIdOf(1), "2222222222222222");
    setTimeout(() => add(store, TRACE_ID, "3333333333333333"), 10);

    const spans = await waiting;

    expect(spans.map((span) => span.spanId).sort()).toEqual([
      "1111111111111111",
      "3333333333333333",
    ]);
  });

  it("rejects after the timeout, saying what it saw", async () => {
    const store = createSpanStore();
    add(store, traceIdOf(1), "1111111111111111");

    await expect(waitForSpans(store, (span) => span.traceId === TRACE_ID, 50, 2)).rejects.toThrow(
      "waitForSpans: 0 of 2 expected spans after 50 ms (1 spans received)",
    );
  });

  it("rejects with the predicate's error without failing the store's add", async () => {
    const store = createSpanStore();
    const waiting = waitForSpans(store, (span) => {
      if (span.spanId === "2222222222222222") throw new Error("bad predicate");
      return false;
    });
    add(store, TRACE_ID, "1111111111111111");
    expect(() => add(store, TRACE_ID, "2222222222222222")).not.toThrow();

    await expect(waiting).rejects.toThrow("bad predicate");
    expect(store.spans()).toHaveLength(2);
  });
});
