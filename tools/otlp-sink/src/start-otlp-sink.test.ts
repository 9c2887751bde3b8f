import { gzipSync } from "node:zlib";
import { ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import { fetchTrace, TraceQueryError } from "@tracemesh/trace-query";
import { afterEach, describe, expect, it } from "vitest";
import type { JaegerTracesResponse } from "./jaeger-query-routes.ts";
import { type OtlpSink, startOtlpSink } from "./start-otlp-sink.ts";
import {
  CHILD_SPAN_ID,
  otlpJsonRequest,
  ROOT_SPAN_ID,
  sdkSpans,
  TRACE_ID,
  traceIdOf,
} from "./test-utils.ts";

const sinks: OtlpSink[] = [];
afterEach(async () => {
  await Promise.all(sinks.splice(0).map((sink) => sink.close()));
});

async function start(options: Parameters<typeof startOtlpSink>[0] = {}): Promise<OtlpSink> {
  const sink = await startOtlpSink(options);
  sinks.push(sink);
  return sink;
}

function exportSdkSpans(sink: OtlpSink): Promise<Response> {
  const body = ProtobufTraceSerializer.serializeRequest(sdkSpans()) ?? new Uint8Array();
  return fetch(`${sink.url}/v1/traces`, {
    method: "POST",
    body: new Uint8Array(gzipSync(body)),
    headers: { "content-type": "application/x-protobuf", "content-encoding": "gzip" },
  });
}

describe("startOtlpSink", () => {
  it("listens on a free loopback port and keeps what exporters send", async () => {
    const sink = await start();
    expect(sink.url).toBe(`http://127.0.0.1:${sink.port}`);
    expect(sink.port).toBeGreaterThan(0);

    const waiting = sink.waitForSpans((span) => span.spanId === CHILD_SPAN_ID, 2_000);
    expect((await exportSdkSpans(sink)).status).toBe(200);
    const [child] = await waiting;

    expect(child).toMatchObject({
      traceId: TRACE_ID,
      parentSpanId: ROOT_SPAN_ID,
      name: "POST /v1/authorize",
      kind: "CLIENT",
      serviceName: "todo-api",
      status: { code: "ERROR", message: "upstream timed out" },
      attributes: { "retry.count": 2, "peer.ratio": 0.5, tags: ["a", "b"], cached: false },
      events: [{ name: "exception", attributes: { "exception.type": "TimeoutError" } }],
    });
    expect(sink.trace(TRACE_ID).map((span) => span.name)).toEqual([
      "GET /v1/todos/:id",
      "POST /v1/authorize",
    ]);
    expect(sink.spans()).toHaveLength(2);
  });

  it("serves the Jaeger v3 query API on the same port", async () => {
    const sink = await start();
    await exportSdkSpans(sink);

    const response = await fetch(`${sink.url}/api/v3/traces/${TRACE_ID}`);

    expect(response.status).toBe(200);
    const body = (await response.json()) as JaegerTracesResponse;
    expect(body.result.resourceSpans[0]?.scopeSpans?.[0]?.spans).toHaveLength(2);
  });

  it("a query pointed at a path that is no route of it (its OTLP endpoint, say) is told so, not 'not found'", async () => {
    const sink = await start();
    await exportSdkSpans(sink);

    const answer = await fetchTrace(TRACE_ID, { baseUrl: `${sink.url}/v1/traces` }).catch(
      (error: unknown) => error,
    );

    expect(answer).toBeInstanceOf(TraceQueryError);
    expect(String(answer)).toContain("not a Jaeger query API v3?");
    expect(await fetchTrace(TRACE_ID, { baseUrl: sink.url })).toHaveLength(2);
  });

  it("bounds memory with maxTraces and forgets on clear", async () => {
    const sink = await start({ maxTraces: 2 });
    for (const n of [1, 2, 3]) {
      const body = JSON.stringify(otlpJsonRequest({ traceId: traceIdOf(n), spanId: ROOT_SPAN_ID }));
      await fetch(`${sink.url}/v1/traces`, {
        method: "POST",
        body,
        headers: { "content-type": "application/json" },
      });
    }

    expect(sink.spans().map((span) => span.traceId)).toEqual([traceIdOf(2), traceIdOf(3)]);
    sink.clear();
    expect(sink.spans()).toEqual([]);
  });

  it("rejects waitForSpans when the spans never come", async () => {
    const sink = await start();

    await expect(sink.waitForSpans((span) => span.name === "never", 50)).rejects.toThrow(
      /0 of 1 expected spans/,
    );
  });

  it("closes even while a client keeps its connection alive", async () => {
    const sink = await start();
    await exportSdkSpans(sink);

    await sink.close();
    sinks.splice(0);

    await expect(fetch(`${sink.url}/api/v3/services`)).rejects.toThrow();
  });

  it("fails to start on a port already taken", async () => {
    const sink = await start();

    await expect(startOtlpSink({ port: sink.port })).rejects.toThrow(/EADDRINUSE/);
  });
});
