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
                attributes: [
                  kv("http.route", "/error"),
                  kv("http.response.status_code", 500),
                  kv("chaos.fault", "division_by_zero"),
                ],
                events: [
                  {
                    name: "chaos.fault",
                    timeUnixNano: "1001000000",
                    attributes: [kv("chaos.fault", "division_by_zero")],
                  },
                  {
                    name: "exception",
                    timeUnixNano: "1019000000",
                    attributes: [
                      kv("exception.type", "RangeError"),
                      kv("exception.message", "Division by zero"),
                      kv("exception.stacktrace", "RangeError: Division by zero\n    at /error"),
                    ],
                  },
                ],
              },
              {
                traceId,
                spanId: "2222222222222222",
                parentSpanId: "00f067aa0ba902b7",
                name: "POST",
                kind: "SPAN_KIND_CLIENT",
                startTimeUnixNano: "1011000000",
                endTimeUnixNano: "1012000000",
                status: { code: "STATUS_CODE_ERROR" },
                attributes: [kv("chaos.latency_ms", 1500)],
                events: [
                  {
                    name: "dependency.breaker.state_change",
                    timeUnixNano: "1012000000",
                    attributes: [
                      kv("dependency.name", "auth"),
                      kv("breaker.previous_state", "closed"),
                      kv("breaker.state", "open"),
                    ],
                  },
                ],
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
      ["todo-api", "CLIENT", "ERROR"],
      ["auth", "SERVER", "UNSET"],
    ]);
    expect(spans[0]?.attributes).toMatchObject({ "http.response.status_code": 500 });
  });
});

describe("renderTrace", () => {
  test("draws children under their parent, with the failing span and its route", () => {
    const lines = renderTrace(flattenOtlpTrace(jaegerDocument)).split("\n");
    expect(lines[0]).toBe(`trace ${traceId} · 3 spans · 2 services · 20.0 ms`);
    expect(lines[1]).toContain("todo-api: GET /error [server] ERROR (Division by zero)");
    expect(lines[1]).toContain("http.route=/error");
    expect(lines[3]).toContain("  auth: POST /v1/authorize [server]");
    expect(lines[3]).toMatch(/\|\s{6}█{6}\s+\|\s+5\.00 ms/);
  });

  test("shows what a runbook points at: the exception, the breaker's state change, chaos latency", () => {
    const lines = renderTrace(flattenOtlpTrace(jaegerDocument)).split("\n");
    // The exception under its span, its label's column, without the stack trace; the chaos.fault
    // event only repeats the span's attribute and is left out.
    expect(lines[2]).toBe(`${" ".repeat(38)}↳ exception RangeError: Division by zero`);
    expect(lines[1]).toContain("chaos.fault=division_by_zero");
    expect(lines[4]).toContain("  todo-api: POST [client] ERROR  chaos.latency_ms=1500");
    expect(lines[5]).toBe(
      `${" ".repeat(40)}↳ dependency.breaker.state_change  dependency.name=auth breaker.previous_state=closed breaker.state=open`,
    );
    expect(lines).toHaveLength(6);
  });

  test("an orphan span (its parent not exported yet) is drawn as a root that says so", () => {
    const spans = flattenOtlpTrace(jaegerDocument).slice(2);
    const lines = renderTrace(spans).split("\n");
    expect(lines[0]).toContain(` · 1 span · 1 service · `);
    expect(lines[1]).toContain("auth: POST /v1/authorize");
    expect(lines[2]).toBe(
      `${" ".repeat(38)}↳ parent span 00f067aa0ba902b7 not in this trace (not exported yet, or the caller's own)`,
    );
    expect(lines).toHaveLength(3);
  });

  test("an event's values show as they are: a kvlist as JSON, an int64 whole, none left out", () => {
    const [span] = flattenOtlpTrace(jaegerDocument);
    if (span === undefined) throw new Error("no span");
    const withEvent = {
      ...span,
      events: [
        {
          name: "retry.scheduled",
          attributes: { seq: "9007199254740993", policy: { delayMs: 500 }, attempt: 2 },
        },
      ],
    };
    const text = renderTrace([withEvent]);
    expect(text).toContain(
      '↳ retry.scheduled  seq=9007199254740993 policy={"delayMs":500} attempt=2',
    );
    expect(text).not.toContain("undefined");
  });

  test("an event whose only value is undefined is shown, not taken for a repeat of the span's", () => {
    const [span] = flattenOtlpTrace(jaegerDocument);
    if (span === undefined) throw new Error("no span");
    const text = renderTrace([
      { ...span, events: [{ name: "marker", attributes: { x: undefined } }] },
    ]);
    expect(text).toMatch(/↳ marker$/m);
    expect(text).not.toContain("undefined");
  });
});
