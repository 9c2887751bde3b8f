import {
  type Attributes,
  createNoopMeter,
  type Meter,
  type MeterProvider,
  metrics,
  type SpanStatus,
  SpanStatusCode,
  trace,
} from "@opentelemetry/api";
import { DependencyError } from "@tracemesh/errors";
import { afterEach, describe, expect, test, vi } from "vitest";
import { recordErrorTelemetry } from "./error-telemetry.ts";
import { createTestApp } from "./test-utils.ts";

const app = createTestApp();

/** A meter provider that remembers every `add` on counters named `tracemesh.errors`. */
function recordingMeterProvider(
  added: Array<{ value: number; attributes?: Attributes }>,
): MeterProvider {
  const noop = createNoopMeter();
  const meter: Meter = Object.assign(Object.create(noop) as Meter, {
    createCounter(name: string) {
      const counter = noop.createCounter(name);
      if (name !== "tracemesh.errors") return counter;
      return Object.assign(counter, {
        add: (value: number, attributes?: Attributes) => added.push({ value, attributes }),
      });
    },
  });
  return { getMeter: (name) => (name === "@tracemesh/http" ? meter : noop) };
}

/** A span the builder finds as the active one, recording what is done to it. */
function activeSpan() {
  const span = trace.wrapSpanContext({
    traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
    spanId: "00f067aa0ba902b7",
    traceFlags: 1,
  });
  const exceptions: unknown[] = [];
  const statuses: SpanStatus[] = [];
  const attributes: Attributes = {};
  vi.spyOn(span, "recordException").mockImplementation(
    (exception) => void exceptions.push(exception),
  );
  vi.spyOn(span, "setStatus").mockImplementation((status) => {
    statuses.push(status);
    return span;
  });
  vi.spyOn(span, "setAttribute").mockImplementation((key, value) => {
    attributes[key] = value;
    return span;
  });
  vi.spyOn(trace, "getActiveSpan").mockReturnValue(span);
  return { exceptions, statuses, attributes };
}

afterEach(() => {
  vi.restoreAllMocks();
  metrics.disable();
});

describe("error telemetry", () => {
  test("counts each error by code and status, even with a provider registered after start-up", async () => {
    await app.request("/admin");
    const added: Array<{ value: number; attributes?: Attributes }> = [];
    metrics.setGlobalMeterProvider(recordingMeterProvider(added));
    await app.request("/busy");
    await app.request("/error");
    await app.request("/degraded");
    expect(added).toEqual([
      {
        value: 1,
        attributes: {
          "error.code": "RATE_LIMITED",
          "http.response.status_code": 429,
          "http.route": "/busy",
        },
      },
      {
        value: 1,
        attributes: {
          "error.code": "INTERNAL_ERROR",
          "http.response.status_code": 500,
          "http.route": "/error",
        },
      },
      // A dependency's failure names it, so an alert can say which dependency failed.
      {
        value: 1,
        attributes: {
          "error.code": "SERVICE_UNAVAILABLE",
          "http.response.status_code": 503,
          "http.route": "/degraded",
          dependency: "database",
        },
      },
    ]);
  });

  test("an unknown route is counted without a route: no label made from a client's path", async () => {
    const added: Array<{ value: number; attributes?: Attributes }> = [];
    metrics.setGlobalMeterProvider(recordingMeterProvider(added));
    await app.request("/no/such/route/9f8e7d");
    expect(added).toEqual([
      {
        value: 1,
        attributes: { "error.code": "RESOURCE_NOT_FOUND", "http.response.status_code": 404 },
      },
    ]);
  });

  test("a caller's deadline that ran out names no dependency: the dependency is not to blame", () => {
    const added: Array<{ value: number; attributes?: Attributes }> = [];
    metrics.setGlobalMeterProvider(recordingMeterProvider(added));
    const failed = new DependencyError({ dependency: "auth" });
    const cutShort = new DependencyError({ dependency: "auth", deadlineExceeded: true });
    recordErrorTelemetry(failed, 503, "/v1/todos");
    recordErrorTelemetry(cutShort, 503, "/v1/todos");
    const common = {
      "error.code": "SERVICE_UNAVAILABLE",
      "http.response.status_code": 503,
      "http.route": "/v1/todos",
    };
    expect(added.map((each) => each.attributes)).toEqual([
      { ...common, dependency: "auth" },
      common,
    ]);
  });

  test("a 5xx records the original exception on the active span and marks it ERROR", async () => {
    const span = activeSpan();
    const response = await app.request("/error");
    expect(await response.json()).toMatchObject({ traceId: "4bf92f3577b34da6a3ce929d0e0e4736" });
    expect(span.exceptions).toHaveLength(1);
    expect(span.exceptions[0]).toMatchObject({
      name: "RangeError",
      stack: expect.stringMatching(/^RangeError: /),
    });
    expect(span.statuses).toEqual([{ code: SpanStatusCode.ERROR, message: "INTERNAL_ERROR" }]);
    expect(span.attributes).toEqual({ "error.code": "INTERNAL_ERROR" });
  });

  test("a dependency failure's span gets the DependencyError", async () => {
    const span = activeSpan();
    await app.request("/degraded");
    expect(span.exceptions[0]).toMatchObject({ name: "DependencyError" });
    expect(span.statuses[0]?.code).toBe(SpanStatusCode.ERROR);
  });

  test("the exception's message and stack are redacted as a log line's", () => {
    const span = activeSpan();
    const message = 'auth answered {"password":"hunter2"}';
    recordErrorTelemetry(new DependencyError({ dependency: "auth", message }), 503);
    expect(span.exceptions[0]).toMatchObject({
      name: "DependencyError",
      message: 'auth answered {"password":"[REDACTED]"}',
    });
    expect(JSON.stringify(span.exceptions)).not.toContain("hunter2");
  });

  test("a 4xx is not a span error: only its code is noted", async () => {
    const span = activeSpan();
    await app.request("/todos?limit=0");
    expect(span.exceptions).toEqual([]);
    expect(span.statuses).toEqual([]);
    expect(span.attributes).toEqual({ "error.code": "REQUEST_PARAMETER_INVALID" });
  });

  test("a failing meter never breaks the response", async () => {
    metrics.setGlobalMeterProvider({
      getMeter: () => {
        throw new Error("exporter exploded");
      },
    });
    const response = await app.request("/admin");
    expect(response.status).toBe(403);
  });
});
