import { flattenOtlpTrace } from "@tracemesh/trace-query";
import { describe, expect, test } from "vitest";
import { renderTrace } from "./render-trace.ts";

const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
const kv = (key: string, value: string | number) => ({
  key,
  value: typeof value === "number" ? { intValue: String(value) } : { stringValue: value },
});

const jaegerDocument = {
  result: {
    resourceSpans: [
      {
        resource: { attributes: [kv("service.name", "todo-api")] },
        scopeSpans: [
          {
            spans: [
              {
                traceId,
                spanId: "00f067aa0ba902b7",
                name: "GET /error",
                kind: "SPAN_KIND_SERVER",
                startTimeUnixNano: "1000000000",
                endTimeUnixNano: "1020000000",
                status: { code: "STATUS_CODE_ERROR", message: "Division by zero" },
                attributes: [kv("http.route", "/error"), kv("http.response.status_code", 500)],
              },
            ],
          },
        ],
      },
      {
        resource: { attributes: [kv("service.name", "auth")] },
        scopeSpans: [
          {
            spans: [
              {
                traceId,
                spanId: "1111111111111111",
                parentSpanId: "00f067aa0ba902b7",
                name: "POST /v1/authorize",
                kind: 2,
                startTimeUnixNano: "1005000000",
                endTimeUnixNano: "1010000000",
                status: {},
              },
            ],
          },
        ],
      },
    ],
  },
};

describe("flattenOtlpTrace", () => {
  test("reads Jaeger's enum names and OTLP's numbers alike", () => {
    const spans = flattenOtlpTrace(jaegerDocument);
    expect(spans.map((s) => [s.serviceName, s.kind, s.statusCode])).toEqual([
      ["todo-api", "SERVER", "ERROR"],
      ["auth", "SERVER", "UNSET"],
    ]);
    expect(spans[0]?.attributes).toMatchObject({ "http.response.status_code": 500 });
  });
});

describe("renderTrace", () => {
  test("draws children under their parent, with the failing span and its route", () => {
    const lines = renderTrace(flattenOtlpTrace(jaegerDocument)).split("\n");
    expect(lines[0]).toBe(`trace ${traceId} · 2 spans · 2 services · 20.0 ms`);
    expect(lines[1]).toContain("todo-api: GET /error [server] ERROR (Division by zero)");
    expect(lines[1]).toContain("http.route=/error");
    expect(lines[2]).toContain("  auth: POST /v1/authorize [server]");
    expect(lines[2]).toMatch(/\|\s{6}█{6}\s+\|\s+5\.00 ms/);
  });

  test("an orphan span (its parent not exported yet) is still drawn as a root", () => {
    const spans = flattenOtlpTrace(jaegerDocument).slice(1);
    const lines = renderTrace(spans).split("\n");
    expect(lines[0]).toContain(` · 1 span · 1 service · `);
    expect(lines[1]).toContain("auth: POST /v1/authorize");
  });
});
