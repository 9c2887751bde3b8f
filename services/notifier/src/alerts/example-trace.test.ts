import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { captureLogger } from "@tracemesh/logger/testing";
import { type OtlpSink, startOtlpSink } from "@tracemesh/otlp-sink";
import { createDeadline, createDependencyClient } from "@tracemesh/resilience";
import { freePort } from "@tracemesh/testing";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import type { Alert } from "./alertmanager-payload.ts";
import { createExampleTraceFinder } from "./example-trace.ts";

const NOW = Date.parse("2026-12-06T10:10:00.000Z");

function firingAlert(overrides: Partial<Alert> = {}): Alert {
  return {
    status: "firing",
    labels: { alertname: "HttpErrorRatioHigh", service: "todo-api", severity: "page" },
    annotations: { summary: "todo-api answers 5xx", example_trace: "error" },
    startsAt: "2026-12-06T10:08:00.000Z",
    endsAt: "0001-01-01T00:00:00Z",
    generatorURL: "http://prometheus:9090/graph",
    fingerprint: "3f9c2a51b4e0d7c8",
    ...overrides,
  };
}

let traceCounter = 0;
/** One span of `service` in a trace of its own, as a service's OTLP/JSON export has it. */
async function exportSpan(
  sink: OtlpSink,
  span: { service: string; at: string; status: 0 | 1 | 2; kind?: number; traceId?: string },
) {
  traceCounter += 1;
  const traceId = span.traceId ?? traceCounter.toString(16).padStart(32, "0");
  const start = BigInt(Date.parse(span.at)) * 1_000_000n;
  const body = {
    resourceSpans: [
      {
        resource: { attributes: [{ key: "service.name", value: { stringValue: span.service } }] },
        scopeSpans: [
          {
            spans: [
              {
                traceId,
                spanId: traceCounter.toString(16).padStart(16, "0"),
                name: "GET /error",
                kind: span.kind ?? 2,
                startTimeUnixNano: String(start),
                endTimeUnixNano: String(start + 2_000_000n),
                status: span.status === 0 ? {} : { code: span.status },
              },
            ],
          },
        ],
      },
    ],
  };
  const response = await fetch(`${sink.url}/v1/traces`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  return traceId;
}

function finder(queryUrl: string, timeoutMs = 2000) {
  const logs = captureLogger({ service: "notifier" });
  const client = createDependencyClient({
    name: "traces",
    baseUrl: queryUrl,
    timeouts: { attemptMs: timeoutMs, totalMs: timeoutMs },
    retry: { maxAttempts: 1 },
  });
  const find = createExampleTraceFinder({
    client,
    uiUrl: "http://jaeger.example.com:16686/",
    logger: logs.logger,
    now: () => NOW,
  });
  return { find, logs };
}

describe("example trace of an alert, from the local sink's Jaeger query API", () => {
  let sink: OtlpSink;
  beforeEach(async () => {
    sink = await startOtlpSink();
  });
  afterEach(() => sink.close());

  test("is the most recent trace in the alert's window in which its service failed", async () => {
    await exportSpan(sink, { service: "todo-api", at: "2026-12-06T10:07:00Z", status: 2 });
    const latest = await exportSpan(sink, {
      service: "todo-api",
      at: "2026-12-06T10:07:30Z",
      status: 2,
    });
    // Later, but not a failure of todo-api's: a success, and another service's failure.
    await exportSpan(sink, { service: "todo-api", at: "2026-12-06T10:07:50Z", status: 0 });
    await exportSpan(sink, { service: "auth", at: "2026-12-06T10:07:55Z", status: 2 });
    // Before the window (5 minutes before the alert started).
    await exportSpan(sink, { service: "todo-api", at: "2026-12-06T10:02:00Z", status: 2 });

    const { find, logs } = finder(sink.url);
    const example = await find(firingAlert(), createDeadline(5000));

    expect(example).toEqual({
      traceId: latest,
      url: `http://jaeger.example.com:16686/trace/${latest}`,
    });
    expect(await logs.lines()).toContainEqual(
      expect.objectContaining({ event: "alert.example_trace_found", traceId: latest }),
    );
  });

  test("is a request the service answered with a 5xx, not a later 401 whose call to auth failed", async () => {
    const served5xx = await exportSpan(sink, {
      service: "todo-api",
      at: "2026-12-06T10:07:30Z",
      status: 2,
    });
    // A request without a valid token: todo-api's client span to auth is ERROR (auth answered
    // 401), its server span is not (todo-api answered 401 AUTH_REQUIRED).
    const rejected = "c".repeat(32);
    await exportSpan(sink, {
      service: "todo-api",
      at: "2026-12-06T10:07:50Z",
      status: 0,
      traceId: rejected,
    });
    await exportSpan(sink, {
      service: "todo-api",
      at: "2026-12-06T10:07:50Z",
      status: 2,
      kind: 3,
      traceId: rejected,
    });

    const { find } = finder(sink.url);
    expect((await find(firingAlert(), createDeadline(5000)))?.traceId).toBe(served5xx);
  });

  test.each([
    [
      "the service only failed its own calls (4xx answers)",
      { at: "2026-12-06T10:07:50Z", status: 2, kind: 3 } as const,
      "no 5xx answered by the service in the window",
    ],
    [
      "the service had no failure in the window",
      { at: "2026-12-06T10:07:00Z", status: 0 } as const,
      "no trace of the service in the window",
    ],
  ])("none when %s, and it says why", async (_, span, reason) => {
    await exportSpan(sink, { service: "todo-api", ...span });
    const { find, logs } = finder(sink.url);

    expect(await find(firingAlert(), createDeadline(5000))).toBeUndefined();
    expect(await logs.lines()).toContainEqual(
      expect.objectContaining({
        level: "warn",
        event: "alert.example_trace_unavailable",
        alertname: "HttpErrorRatioHigh",
        reason,
      }),
    );
  });

  test.each([
    ["a resolved alert", firingAlert({ status: "resolved" })],
    ["an alert that is not about errors", firingAlert({ annotations: { summary: "slow" } })],
    ["an alert without a service", firingAlert({ labels: { alertname: "Watchdog" } })],
  ])("is not looked for in %s", async (_, alert) => {
    await exportSpan(sink, { service: "todo-api", at: "2026-12-06T10:07:00Z", status: 2 });
    const { find, logs } = finder(sink.url);

    expect(await find(alert, createDeadline(5000))).toBeUndefined();
    expect(await logs.lines()).toEqual([]);
  });
});

describe("example trace when the backend misbehaves", () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
    server = undefined;
  });

  async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
    const listening = createServer(handler);
    server = listening;
    await new Promise<void>((resolve) => listening.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
  }

  test("a backend that ignores the error filter (Jaeger before 2.19) still gives a failing trace", async () => {
    const url = await listen(
      answerTraces([
        ["a".repeat(32), 0],
        ["b".repeat(32), 2],
      ]),
    );
    const { find } = finder(url);

    expect((await find(firingAlert(), createDeadline(5000)))?.traceId).toBe("b".repeat(32));
  });

  test("a trace id that is not one never goes into a link", async () => {
    const forged = '"><script>alert(1)</script>';
    const url = await listen(
      answerTraces([
        [forged, 2],
        ["c".repeat(32), 2],
      ]),
    );
    const { find } = finder(url);

    expect(await find(firingAlert(), createDeadline(5000))).toEqual({
      traceId: "c".repeat(32),
      url: `http://jaeger.example.com:16686/trace/${"c".repeat(32)}`,
    });
  });

  /** A query API answering these traces, one failing or not server span of todo-api's each. */
  function answerTraces(traces: [traceId: string, code: 0 | 2][]) {
    return (_: unknown, response: ServerResponse) => {
      const span = (traceId: string, code: number) => ({
        resource: { attributes: [{ key: "service.name", value: { stringValue: "todo-api" } }] },
        scopeSpans: [
          {
            spans: [
              {
                traceId,
                spanId: "1".repeat(16),
                name: "GET /v1/todos",
                kind: "SPAN_KIND_SERVER",
                startTimeUnixNano: String(BigInt(NOW - 60_000) * 1_000_000n),
                status: code === 2 ? { code: "STATUS_CODE_ERROR" } : {},
              },
            ],
          },
        ],
      });
      response.setHeader("content-type", "application/json");
      response.end(
        JSON.stringify({
          result: { resourceSpans: traces.map(([traceId, code]) => span(traceId, code)) },
        }),
      );
    };
  }

  test("a backend that does not answer in time: none, once the lookup's timeout is over", async () => {
    const url = await listen(() => {
      // Never answers.
    });
    const { find, logs } = finder(url, 300);

    const started = Date.now();
    expect(await find(firingAlert(), createDeadline(5000))).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await logs.lines()).toContainEqual(
      expect.objectContaining({
        event: "alert.example_trace_unavailable",
        reason: "the trace backend is unavailable",
      }),
    );
  });

  test("a backend that is down: none, at once", async () => {
    const { find } = finder(`http://127.0.0.1:${await freePort()}`);

    expect(await find(firingAlert(), createDeadline(5000))).toBeUndefined();
  });
});
