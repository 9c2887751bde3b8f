import { JsonTraceSerializer, ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import { describe, expect, it } from "vitest";
import { decodeTracesRequest } from "./decode-traces-request.ts";
import { toFlatSpan } from "./flat-span.ts";
import { OtlpRequestError } from "./otlp-request-error.ts";
import { ExportTraceServiceRequest } from "./otlp-trace-proto.ts";
import { CHILD_SPAN_ID, LINKED_TRACE_ID, ROOT_SPAN_ID, sdkSpans, TRACE_ID } from "./test-utils.ts";

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

function serialized(serializer: typeof ProtobufTraceSerializer): Uint8Array {
  const body = serializer.serializeRequest(sdkSpans());
  if (!body) throw new Error("the serializer produced no body");
  return body;
}

function decodeError(body: Uint8Array, encoding: "json" | "protobuf"): OtlpRequestError {
  try {
    decodeTracesRequest(body, encoding);
  } catch (error) {
    if (error instanceof OtlpRequestError) return error;
    throw error;
  }
  throw new Error("expected the body to be refused");
}

describe("decodeTracesRequest", () => {
  it("decodes the OpenTelemetry SDK's protobuf export into OTLP/JSON with hex ids", () => {
    const [resourceSpans] = decodeTracesRequest(serialized(ProtobufTraceSerializer), "protobuf");
    const spans = resourceSpans?.scopeSpans?.[0]?.spans ?? [];

    expect(resourceSpans?.resource?.attributes).toContainEqual({
      key: "service.name",
      value: { stringValue: "todo-api" },
    });
    expect(resourceSpans?.scopeSpans?.[0]?.scope).toEqual({
      name: "@tracemesh/test",
      version: "0.1.0",
    });
    expect(spans.map((span) => [span.traceId, span.spanId, span.parentSpanId])).toEqual([
      [TRACE_ID, ROOT_SPAN_ID, undefined],
      [TRACE_ID, CHILD_SPAN_ID, ROOT_SPAN_ID],
    ]);
    expect(spans[1]).toMatchObject({
      name: "POST /v1/authorize",
      kind: 3,
      startTimeUnixNano: "1700000000001000000",
      endTimeUnixNano: "1700000000004000000",
      status: { code: 2, message: "upstream timed out" },
      events: [{ name: "exception", timeUnixNano: "1700000000003000000" }],
      links: [{ traceId: LINKED_TRACE_ID, spanId: ROOT_SPAN_ID }],
    });
    expect(spans[1]?.attributes).toContainEqual({ key: "retry.count", value: { intValue: "2" } });
  });

  it("reads the SDK's JSON export to the same spans as its protobuf export", () => {
    const fromJson = decodeTracesRequest(serialized(JsonTraceSerializer), "json");
    const fromProtobuf = decodeTracesRequest(serialized(ProtobufTraceSerializer), "protobuf");

    const spansOf = (decoded: typeof fromJson) => decoded[0]?.scopeSpans?.[0]?.spans;
    expect(spansOf(fromJson)).toHaveLength(2);
    expect(spansOf(fromJson)).toEqual(spansOf(fromProtobuf));
  });

  it("round-trips a request built with the same protobuf definitions", () => {
    const message = ExportTraceServiceRequest.fromObject({
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: [
                {
                  traceId: Buffer.from(TRACE_ID, "hex"),
                  spanId: Buffer.from(ROOT_SPAN_ID, "hex"),
                  name: "publish todo.events.created",
                  kind: 4,
                  startTimeUnixNano: "18446744073709551615",
                  attributes: [{ key: "big", value: { intValue: "9007199254740993" } }],
                },
              ],
            },
          ],
        },
      ],
    });
    const body = ExportTraceServiceRequest.encode(message).finish();

    const span = decodeTracesRequest(body, "protobuf")[0]?.scopeSpans?.[0]?.spans?.[0];
    expect(span).toEqual({
      traceId: TRACE_ID,
      spanId: ROOT_SPAN_ID,
      name: "publish todo.events.created",
      kind: 4,
      startTimeUnixNano: "18446744073709551615",
      attributes: [{ key: "big", value: { intValue: "9007199254740993" } }],
    });
  });

  it("keeps an empty attribute key empty, which protobuf leaves out as a default", () => {
    const span = {
      traceId: TRACE_ID,
      spanId: ROOT_SPAN_ID,
      name: "GET /v1/todos",
      attributes: [{ key: "", value: { stringValue: "no name" } }],
    };
    const message = ExportTraceServiceRequest.fromObject({
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: [
                {
                  ...span,
                  traceId: Buffer.from(TRACE_ID, "hex"),
                  spanId: Buffer.from(ROOT_SPAN_ID, "hex"),
                },
              ],
            },
          ],
        },
      ],
    });
    const protobuf = ExportTraceServiceRequest.encode(message).finish();
    const otlpJson = json({ resourceSpans: [{ scopeSpans: [{ spans: [span] }] }] });

    for (const [body, encoding] of [
      [protobuf, "protobuf"],
      [otlpJson, "json"],
    ] as const) {
      const decoded = decodeTracesRequest(body, encoding)[0]?.scopeSpans?.[0]?.spans?.[0];
      if (!decoded) throw new Error(`no span decoded from ${encoding}`);
      expect(toFlatSpan(undefined, undefined, decoded).attributes).toEqual({ "": "no name" });
    }
  });

  it("accepts hand-written OTLP/JSON: upper-case hex, enum names, numbers for 64-bit fields, unknown fields", () => {
    const body = json({
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: [
                {
                  traceId: TRACE_ID.toUpperCase(),
                  spanId: ROOT_SPAN_ID,
                  parentSpanId: "",
                  name: "x",
                  kind: "SPAN_KIND_CONSUMER",
                  startTimeUnixNano: 1_700_000_000_000,
                  status: { code: "STATUS_CODE_OK" },
                  futureField: { anything: true },
                },
              ],
            },
          ],
        },
      ],
    });

    const span = decodeTracesRequest(body, "json")[0]?.scopeSpans?.[0]?.spans?.[0];
    expect(span).toEqual({
      traceId: TRACE_ID,
      spanId: ROOT_SPAN_ID,
      name: "x",
      kind: 5,
      startTimeUnixNano: "1700000000000",
      status: { code: 1 },
    });
  });

  it("reads an empty request as no spans", () => {
    expect(decodeTracesRequest(json({}), "json")).toEqual([]);
    expect(decodeTracesRequest(new Uint8Array(), "protobuf")).toEqual([]);
  });

  it.each([
    ["text that is not JSON", "{ not json", /invalid OTLP\/JSON payload: .*JSON/],
    [
      "a field of the wrong type",
      { resourceSpans: "spans" },
      /^invalid OTLP\/JSON payload: resourceSpans: expected an array, got "spans"$/,
    ],
    [
      "a span name that is not a string",
      {
        resourceSpans: [
          { scopeSpans: [{ spans: [{ traceId: TRACE_ID, spanId: ROOT_SPAN_ID, name: 5 }] }] },
        ],
      },
      /^invalid OTLP\/JSON payload: resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]\.name: expected a string, got number 5$/,
    ],
    [
      "a request that is not an object",
      [],
      /^invalid OTLP\/JSON payload: the request: expected an object, got an array$/,
    ],
  ])("refuses %s with 400", (_, payload, message) => {
    const body = typeof payload === "string" ? new TextEncoder().encode(payload) : json(payload);
    const error = decodeError(body, "json");
    expect(error.status).toBe(400);
    expect(error.message).toMatch(message);
  });

  it.each([
    [
      "a trace id that is not hex",
      { traceId: "zz".repeat(16), spanId: ROOT_SPAN_ID },
      /spans\[0\]\.traceId: expected a hex string/,
    ],
    [
      "a short trace id",
      { traceId: "abcd", spanId: ROOT_SPAN_ID },
      /spans\[0\]\.traceId: must be 16 bytes .* got 2 bytes/,
    ],
    [
      "an all-zero span id",
      { traceId: TRACE_ID, spanId: "0".repeat(16) },
      /spans\[0\]\.spanId: must be 8 bytes/,
    ],
    [
      "a missing span id",
      { traceId: TRACE_ID },
      /spans\[0\]\.spanId: must be 8 bytes .* got 0 bytes/,
    ],
    [
      "a link without a trace id",
      { traceId: TRACE_ID, spanId: ROOT_SPAN_ID, links: [{ spanId: ROOT_SPAN_ID }] },
      /links\[0\]\.traceId: must be 16 bytes/,
    ],
  ])("refuses %s with 400, naming the field", (_, span, message) => {
    const error = decodeError(
      json({ resourceSpans: [{ scopeSpans: [{ spans: [span] }] }] }),
      "json",
    );
    expect(error.status).toBe(400);
    expect(error.message).toMatch(message);
  });

  it("refuses bytes that are not a protobuf request with 400", () => {
    const error = decodeError(new TextEncoder().encode('{"resourceSpans":[]}'), "protobuf");
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/^invalid OTLP protobuf payload: /);
  });
});
