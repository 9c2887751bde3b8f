import { describe, expect, it } from "vitest";
import { createSpanStore } from "./span-store.ts";
import { otlpJsonRequest, TRACE_ID } from "./test-utils.ts";
import { toTracesData } from "./to-traces-data.ts";

describe("toTracesData", () => {
  it("groups spans from separate requests under equal resources and scopes", () => {
    const store = createSpanStore();
    const request = (spanId: string, service: string, startTimeUnixNano: string) =>
      otlpJsonRequest({ traceId: TRACE_ID, spanId, service, startTimeUnixNano }).resourceSpans;
    store.add(request("1111111111111111", "todo-api", "1"));
    store.add(request("2222222222222222", "auth", "2"));
    store.add(request("3333333333333333", "todo-api", "3"));

    const data = toTracesData(store.storedSpans(TRACE_ID) ?? []);

    expect(data.resourceSpans).toHaveLength(2);
    const [todoApi, auth] = data.resourceSpans;
    expect(todoApi?.resource?.attributes?.[0]?.value).toEqual({ stringValue: "todo-api" });
    expect(todoApi?.scopeSpans).toHaveLength(1);
    expect(todoApi?.scopeSpans?.[0]?.scope).toEqual({ name: "manual" });
    expect(todoApi?.scopeSpans?.[0]?.spans?.map((span) => span.spanId)).toEqual([
      "1111111111111111",
      "3333333333333333",
    ]);
    expect(auth?.scopeSpans?.[0]?.spans?.map((span) => span.spanId)).toEqual(["2222222222222222"]);
  });

  it("keeps schema URLs and separates scopes that differ", () => {
    const store = createSpanStore();
    const [resourceSpans] = otlpJsonRequest({
      traceId: TRACE_ID,
      spanId: "1111111111111111",
    }).resourceSpans;
    const [scopeSpans] = resourceSpans?.scopeSpans ?? [];
    if (!resourceSpans || !scopeSpans) throw new Error("fixture changed");
    const span = { ...scopeSpans.spans[0], traceId: TRACE_ID, spanId: "2222222222222222" };
    store.add([
      {
        ...resourceSpans,
        schemaUrl: "https://opentelemetry.io/schemas/1.30.0",
        scopeSpans: [
          scopeSpans,
          { scope: { name: "other" }, schemaUrl: "https://scope", spans: [span] },
        ],
      },
    ]);

    const [group] = toTracesData(store.storedSpans(TRACE_ID) ?? []).resourceSpans;

    expect(group?.schemaUrl).toBe("https://opentelemetry.io/schemas/1.30.0");
    expect(group?.scopeSpans?.map((scope) => [scope.scope?.name, scope.schemaUrl])).toEqual([
      ["manual", undefined],
      ["other", "https://scope"],
    ]);
  });
});
