import { gzipSync } from "node:zlib";
import { JsonTraceSerializer, ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import { describe, expect, it } from "vitest";
import { createSinkApp } from "./app.ts";
import { ExportTraceServiceResponse } from "./otlp-trace-proto.ts";
import { createSpanStore } from "./span-store.ts";
import { CHILD_SPAN_ID, otlpJsonRequest, ROOT_SPAN_ID, sdkSpans, TRACE_ID } from "./test-utils.ts";

function setup(options: { maxBodyBytes?: number; maxSpansPerTrace?: number } = {}) {
  const store = createSpanStore({ maxSpansPerTrace: options.maxSpansPerTrace });
  const app = createSinkApp(store, options);
  const post = (body: string | Uint8Array<ArrayBuffer>, headers: Record<string, string>) =>
    app.request("/v1/traces", { method: "POST", body, headers });
  return { store, post };
}

const PROTOBUF = { "content-type": "application/x-protobuf" };
const JSON_TYPE = { "content-type": "application/json" };

function protobufBody(): Uint8Array<ArrayBuffer> {
  const body = ProtobufTraceSerializer.serializeRequest(sdkSpans());
  if (!body) throw new Error("the serializer produced no body");
  return new Uint8Array(body);
}

describe("POST /v1/traces", () => {
  it("keeps the spans of an OTLP/JSON request and answers an empty JSON response", async () => {
    const { store, post } = setup();
    const body = JSON.stringify(otlpJsonRequest({ traceId: TRACE_ID, spanId: ROOT_SPAN_ID }));

    const response = await post(body, { "content-type": "application/json; charset=utf-8" });

    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({});
    expect(store.trace(TRACE_ID)).toMatchObject([
      { spanId: ROOT_SPAN_ID, serviceName: "auth", kind: "SERVER" },
    ]);
  });

  it("keeps the spans of the SDK's protobuf export and answers an empty protobuf response", async () => {
    const { store, post } = setup();

    const response = await post(protobufBody(), PROTOBUF);

    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/x-protobuf");
    expect((await response.arrayBuffer()).byteLength).toBe(0);
    expect(
      store.trace(TRACE_ID).map((span) => [span.spanId, span.parentSpanId, span.kind]),
    ).toEqual([
      [ROOT_SPAN_ID, undefined, "SERVER"],
      [CHILD_SPAN_ID, ROOT_SPAN_ID, "CLIENT"],
    ]);
  });

  it("tells the exporter of spans it did not keep, a trace being full, as a partial success", async () => {
    const { store, post } = setup({ maxSpansPerTrace: 1 });
    const span = (spanId: string) => JSON.stringify(otlpJsonRequest({ traceId: TRACE_ID, spanId }));

    const kept = await post(span(ROOT_SPAN_ID), JSON_TYPE);
    const refused = await post(span(CHILD_SPAN_ID), JSON_TYPE);

    expect(await kept.json()).toEqual({});
    expect(refused.status).toBe(200);
    expect(await refused.json()).toEqual({
      partialSuccess: {
        rejectedSpans: 1,
        errorMessage: expect.stringContaining("MAX_SPANS_PER_TRACE"),
      },
    });
    expect(store.trace(TRACE_ID)).toHaveLength(1);
  });

  it("answers a partial success of the SDK's protobuf export in protobuf", async () => {
    const { post } = setup({ maxSpansPerTrace: 1 });

    const response = await post(protobufBody(), PROTOBUF);

    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/x-protobuf");
    const decoded = ExportTraceServiceResponse.toObject(
      ExportTraceServiceResponse.decode(new Uint8Array(await response.arrayBuffer())),
    );
    expect(decoded).toEqual({
      partialSuccess: { rejectedSpans: expect.anything(), errorMessage: expect.any(String) },
    });
    expect(Number(decoded.partialSuccess.rejectedSpans)).toBe(1);
  });

  it.each([
    ["protobuf", protobufBody(), PROTOBUF],
    ["JSON", JsonTraceSerializer.serializeRequest(sdkSpans()) ?? new Uint8Array(), JSON_TYPE],
  ])("reads a gzip-compressed %s body", async (_, body, headers) => {
    const { store, post } = setup();

    const response = await post(new Uint8Array(gzipSync(body)), {
      ...headers,
      "content-encoding": "gzip",
    });

    expect(response.status).toBe(200);
    expect(store.trace(TRACE_ID)).toHaveLength(2);
  });

  it.each([
    [
      "protobuf",
      new TextEncoder().encode("definitely not protobuf"),
      PROTOBUF,
      /^invalid OTLP protobuf payload/,
    ],
    ["JSON", "{ not json", JSON_TYPE, /^invalid OTLP\/JSON payload/],
    [
      "JSON",
      JSON.stringify(otlpJsonRequest({ traceId: "xyz", spanId: ROOT_SPAN_ID })),
      JSON_TYPE,
      /traceId: expected a hex string/,
    ],
    ["gzip", "not gzip", { ...JSON_TYPE, "content-encoding": "gzip" }, /^invalid gzip body/],
  ])(
    "answers 400 with a google.rpc.Status JSON body to a bad %s payload",
    async (_, body, headers, message) => {
      const { store, post } = setup();

      const response = await post(body, headers);

      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ code: 3, message: expect.stringMatching(message) });
      expect(store.spans()).toEqual([]);
    },
  );

  it("answers 415 to a media type or content coding it does not read", async () => {
    const { post } = setup();

    const byType = await post("spans", { "content-type": "text/plain" });
    const byCoding = await post("{}", { ...JSON_TYPE, "content-encoding": "compress" });

    expect(byType.status).toBe(415);
    expect(await byType.json()).toMatchObject({
      message: expect.stringMatching(/Content-Type "text\/plain"/),
    });
    expect(byCoding.status).toBe(415);
  });

  it("answers 413 to a body over maxBodyBytes, compressed or once inflated", async () => {
    const { post } = setup({ maxBodyBytes: 1_000 });
    const large = JSON.stringify({ resourceSpans: [], padding: "x".repeat(5_000) });

    const raw = await post(large, JSON_TYPE);
    const inflated = await post(new Uint8Array(gzipSync(large)), {
      ...JSON_TYPE,
      "content-encoding": "gzip",
    });

    expect(raw.status).toBe(413);
    expect(inflated.status).toBe(413);
  });
});
