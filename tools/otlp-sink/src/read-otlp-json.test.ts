import { describe, expect, it } from "vitest";
import { decodeTracesRequest } from "./decode-traces-request.ts";
import { InvalidOtlpField } from "./otlp-json-fields.ts";
import { ExportTraceServiceRequest } from "./otlp-trace-proto.ts";
import { readOtlpJsonRequest } from "./read-otlp-json.ts";
import { ROOT_SPAN_ID, TRACE_ID } from "./test-utils.ts";

const ids = { traceId: TRACE_ID, spanId: ROOT_SPAN_ID };

/** A request of one span: the fields given, and the ids. */
function oneSpan(span: Record<string, unknown>, resource?: unknown): unknown {
  return { resourceSpans: [{ resource, scopeSpans: [{ spans: [{ ...ids, ...span }] }] }] };
}

/** An AnyValue of `depth` arrays, one inside the other. */
function nestedArrays(depth: number): unknown {
  let value: unknown = { stringValue: "bottom" };
  for (let level = 0; level < depth; level++) value = { arrayValue: { values: [value] } };
  return value;
}

function spanOf(request: unknown) {
  return readOtlpJsonRequest(request)[0]?.scopeSpans?.[0]?.spans?.[0];
}

function invalidField(request: unknown): InvalidOtlpField {
  try {
    readOtlpJsonRequest(request);
  } catch (error) {
    if (error instanceof InvalidOtlpField) return error;
    throw error;
  }
  throw new Error("expected the request to be refused");
}

describe("readOtlpJsonRequest", () => {
  it("reads every field to what the protobuf encoding of the same request decodes to", () => {
    const attributes = [
      { key: "s", value: { stringValue: "text" } },
      { key: "empty", value: { stringValue: "" } },
      { key: "no", value: { boolValue: false } },
      { key: "zero", value: { intValue: "0" } },
      { key: "big", value: { intValue: "-9223372036854775808" } },
      { key: "ratio", value: { doubleValue: 0.25 } },
      { key: "raw", value: { bytesValue: "AAEC/w==" } },
      { key: "list", value: { arrayValue: { values: [{ intValue: "1" }, { stringValue: "b" }] } } },
      {
        key: "map",
        value: { kvlistValue: { values: [{ key: "k", value: { boolValue: true } }] } },
      },
      { key: "unset", value: {} },
    ];
    const span = {
      ...ids,
      traceState: "vendor=1",
      parentSpanId: "b7ad6b7169203331",
      flags: 257,
      name: "GET /v1/todos",
      kind: 2,
      startTimeUnixNano: "1700000000000000001",
      endTimeUnixNano: "18446744073709551615",
      attributes,
      droppedAttributesCount: 1,
      events: [{ timeUnixNano: "1700000000000000002", name: "exception", attributes }],
      droppedEventsCount: 2,
      links: [{ ...ids, traceState: "t", attributes, droppedAttributesCount: 3, flags: 1 }],
      droppedLinksCount: 4,
      status: { message: "boom", code: 2 },
    };
    const request = {
      resourceSpans: [
        {
          resource: { attributes, droppedAttributesCount: 5 },
          scopeSpans: [
            {
              scope: { name: "scope", version: "1.0", attributes, droppedAttributesCount: 6 },
              spans: [span],
              schemaUrl: "https://opentelemetry.io/schemas/1.26.0",
            },
          ],
          schemaUrl: "https://opentelemetry.io/schemas/1.27.0",
        },
      ],
    };
    const asBytes = (id: string) => Buffer.from(id, "hex");
    const protobuf = ExportTraceServiceRequest.encode(
      ExportTraceServiceRequest.fromObject({
        resourceSpans: [
          {
            ...request.resourceSpans[0],
            scopeSpans: [
              {
                ...request.resourceSpans[0]?.scopeSpans[0],
                spans: [
                  {
                    ...span,
                    traceId: asBytes(span.traceId),
                    spanId: asBytes(span.spanId),
                    parentSpanId: asBytes(span.parentSpanId),
                    links: span.links.map((link) => ({
                      ...link,
                      traceId: asBytes(link.traceId),
                      spanId: asBytes(link.spanId),
                    })),
                  },
                ],
              },
            ],
          },
        ],
      }),
    ).finish();

    const read = readOtlpJsonRequest(request);
    expect(read).toEqual(decodeTracesRequest(protobuf, "protobuf"));
    expect(read).toEqual(request.resourceSpans);
  });

  it("takes the proto3 JSON forms a hand-written request may use, and writes the sink's own", () => {
    const span = spanOf(
      oneSpan({
        traceId: TRACE_ID.toUpperCase(),
        kind: "4",
        startTimeUnixNano: 1_700_000_000_000,
        flags: "1",
        status: { code: "STATUS_CODE_ERROR", message: null },
        links: [{ ...ids, traceState: "", attributes: [{ key: "", value: { intValue: "7" } }] }],
        attributes: [
          { key: "n", value: { intValue: 42 } },
          { key: "exponent", value: { intValue: "1e3" } },
          { key: "d", value: { doubleValue: "1.5" } },
          { key: "inf", value: { doubleValue: "-Infinity" } },
          { key: "url-safe", value: { bytesValue: "_-8" } },
          { key: "nulls", value: { stringValue: null, boolValue: true } },
        ],
      }),
    );

    expect(span).toEqual({
      ...ids,
      kind: 4,
      startTimeUnixNano: "1700000000000",
      flags: 1,
      status: { code: 2 },
      links: [{ ...ids, attributes: [{ key: "", value: { intValue: "7" } }] }],
      attributes: [
        { key: "n", value: { intValue: "42" } },
        { key: "exponent", value: { intValue: "1000" } },
        { key: "d", value: { doubleValue: 1.5 } },
        { key: "inf", value: { doubleValue: "-Infinity" } },
        { key: "url-safe", value: { bytesValue: "/+8=" } },
        { key: "nulls", value: { boolValue: true } },
      ],
    });
  });

  it("leaves out fields at their default and fields it does not know", () => {
    const span = spanOf(
      oneSpan({
        parentSpanId: "",
        name: "",
        kind: 0,
        startTimeUnixNano: "0",
        attributes: [],
        events: null,
        droppedLinksCount: 0,
        status: { code: 0 },
        futureField: { anything: true },
      }),
    );

    expect(span).toStrictEqual({ ...ids, status: {} });
  });

  it("reads an empty request, and one with null lists, as no spans", () => {
    expect(readOtlpJsonRequest({})).toEqual([]);
    expect(readOtlpJsonRequest({ resourceSpans: null })).toEqual([]);
    expect(readOtlpJsonRequest({ resourceSpans: [{ scopeSpans: null }] })).toEqual([{}]);
  });

  it.each([
    [
      "an attribute value of the wrong type, deep in a span",
      oneSpan({
        attributes: [
          { key: "a", value: { stringValue: "x" } },
          { key: "b", value: { intValue: 1.5 } },
        ],
      }),
      "resourceSpans[0].scopeSpans[0].spans[0].attributes[1].value.intValue",
      "expected a 64-bit integer, got number 1.5",
    ],
    [
      "an AnyValue with two members",
      oneSpan({}, { attributes: [{ key: "a", value: { stringValue: "x", intValue: "1" } }] }),
      "resourceSpans[0].resource.attributes[0].value",
      "sets both stringValue and intValue: an AnyValue holds one",
    ],
    [
      "a time past 2^64 - 1",
      oneSpan({ endTimeUnixNano: "18446744073709551616" }),
      "resourceSpans[0].scopeSpans[0].spans[0].endTimeUnixNano",
      'expected an unsigned 64-bit integer, got "18446744073709551616"',
    ],
    [
      "a negative count",
      oneSpan({ droppedEventsCount: -1 }),
      "resourceSpans[0].scopeSpans[0].spans[0].droppedEventsCount",
      "expected an unsigned 32-bit integer, got number -1",
    ],
    [
      "a span kind it does not know",
      oneSpan({ kind: "SPAN_KIND_SIDEWAYS" }),
      "resourceSpans[0].scopeSpans[0].spans[0].kind",
      'expected one of SPAN_KIND_UNSPECIFIED, SPAN_KIND_INTERNAL, SPAN_KIND_SERVER, SPAN_KIND_CLIENT, SPAN_KIND_PRODUCER, SPAN_KIND_CONSUMER or its number, got "SPAN_KIND_SIDEWAYS"',
    ],
    [
      "bytes that are not base64",
      oneSpan({ attributes: [{ key: "a", value: { bytesValue: "not base64!" } }] }),
      "resourceSpans[0].scopeSpans[0].spans[0].attributes[0].value.bytesValue",
      'expected base64, got "not base64!"',
    ],
    [
      "a boolean written as a string",
      oneSpan({ attributes: [{ key: "a", value: { boolValue: "true" } }] }),
      "resourceSpans[0].scopeSpans[0].spans[0].attributes[0].value.boolValue",
      'expected a boolean, got "true"',
    ],
    [
      "a link with an all-zero span id",
      oneSpan({ links: [{ traceId: TRACE_ID, spanId: "0".repeat(16) }] }),
      "resourceSpans[0].scopeSpans[0].spans[0].links[0].spanId",
      "must be 8 bytes (16 hex characters), not all zero; got 8 bytes",
    ],
    [
      "a span that is not an object",
      { resourceSpans: [{ scopeSpans: [{ spans: [ids, null] }] }] },
      "resourceSpans[0].scopeSpans[0].spans[1]",
      "expected an object, got null",
    ],
    [
      "a double in a notation JSON has not",
      oneSpan({ attributes: [{ key: "a", value: { doubleValue: "0x10" } }] }),
      "resourceSpans[0].scopeSpans[0].spans[0].attributes[0].value.doubleValue",
      'expected a number, got "0x10"',
    ],
    [
      "base64 padded wrong",
      oneSpan({ attributes: [{ key: "a", value: { bytesValue: "ABC==" } }] }),
      "resourceSpans[0].scopeSpans[0].spans[0].attributes[0].value.bytesValue",
      'expected base64, got "ABC=="',
    ],
    [
      "an integer past 2^53 written with an exponent",
      oneSpan({ attributes: [{ key: "a", value: { intValue: "1e20" } }] }),
      "resourceSpans[0].scopeSpans[0].spans[0].attributes[0].value.intValue",
      'expected a 64-bit integer, got "1e20"',
    ],
    [
      "values nested past the limit, which would otherwise overflow the stack",
      oneSpan({ attributes: [{ key: "deep", value: nestedArrays(5_000) }] }),
      `resourceSpans[0].scopeSpans[0].spans[0].attributes[0].value${".arrayValue.values[0]".repeat(32)}.arrayValue`,
      "values nested deeper than 32 levels",
    ],
  ])("refuses %s, naming the field", (_, request, path, problem) => {
    const error = invalidField(request);

    expect(error.path).toBe(path);
    expect(error.message).toBe(problem);
  });
});
