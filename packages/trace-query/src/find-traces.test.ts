import { describe, expect, test } from "vitest";
import { findTracesPath, groupByTrace } from "./find-traces.ts";

describe("findTracesPath", () => {
  test("names the service, the window, the limit and the attributes as Jaeger reads them", () => {
    const path = findTracesPath({
      serviceName: "todo-api",
      startTimeMin: new Date("2026-12-06T10:00:00.000Z"),
      startTimeMax: new Date("2026-12-06T10:05:00.000Z"),
      attributes: { error: "true" },
      limit: 5,
    });
    const url = new URL(path, "http://jaeger:16686");
    expect(url.pathname).toBe("/api/v3/traces");
    expect(Object.fromEntries(url.searchParams)).toEqual({
      "query.service_name": "todo-api",
      "query.start_time_min": "2026-12-06T10:00:00.000Z",
      "query.start_time_max": "2026-12-06T10:05:00.000Z",
      "query.num_traces": "5",
      "query.attributes": '{"error":"true"}',
    });
  });

  test("leaves attributes out when there are none, and asks for 20 traces by default", () => {
    const url = new URL(
      findTracesPath({
        serviceName: "auth",
        startTimeMin: new Date(0),
        startTimeMax: new Date(1000),
      }),
      "http://sink",
    );
    expect(url.searchParams.has("query.attributes")).toBe(false);
    expect(url.searchParams.get("query.num_traces")).toBe("20");
  });
});

describe("groupByTrace", () => {
  const span = (traceId: string, spanId: string, service: string) => ({
    resource: { attributes: [{ key: "service.name", value: { stringValue: service } }] },
    scopeSpans: [
      { spans: [{ traceId, spanId, name: "GET /error", kind: 2, status: { code: 2 } }] },
    ],
  });

  test("splits a combined answer into its traces, keeping their order", () => {
    const traces = groupByTrace({
      result: {
        resourceSpans: [
          span("b".repeat(32), "1".repeat(16), "todo-api"),
          span("a".repeat(32), "2".repeat(16), "todo-api"),
          span("b".repeat(32), "3".repeat(16), "auth"),
        ],
      },
    });
    expect(traces.map((spans) => spans.map((s) => `${s.serviceName}:${s.spanId}`))).toEqual([
      ["todo-api:1111111111111111", "auth:3333333333333333"],
      ["todo-api:2222222222222222"],
    ]);
    expect(traces[0]?.[0]?.statusCode).toBe("ERROR");
  });
});
