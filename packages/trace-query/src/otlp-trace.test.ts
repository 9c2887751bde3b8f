import { describe, expect, test } from "vitest";
import { flattenOtlpTrace } from "./otlp-trace.ts";

const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

/** The one span of an OTLP/JSON document holding `fields` (its ids given). */
function flattenOneSpan(fields: Record<string, unknown>) {
  const document = {
    resourceSpans: [
      {
        scopeSpans: [{ spans: [{ traceId: TRACE_ID, spanId: "00f067aa0ba902b7", ...fields }] }],
      },
    ],
  };
  return flattenOtlpTrace(document)[0];
}

describe("flattenOtlpTrace", () => {
  test("reads Jaeger's answer: enum names, the service from the resource, typed attributes", () => {
    const [span] = flattenOtlpTrace({
      result: {
        resourceSpans: [
          {
            resource: { attributes: [{ key: "service.name", value: { stringValue: "auth" } }] },
            scopeSpans: [
              {
                spans: [
                  {
                    traceId: TRACE_ID,
                    spanId: "00f067aa0ba902b7",
                    parentSpanId: "b7ad6b7169203331",
                    name: "POST /v1/authorize",
                    kind: "SPAN_KIND_SERVER",
                    startTimeUnixNano: "1700000000000000000",
                    endTimeUnixNano: "1700000000002000000",
                    status: { code: "STATUS_CODE_ERROR", message: "timed out" },
                    attributes: [
                      { key: "http.response.status_code", value: { intValue: "503" } },
                      { key: "retryable", value: { boolValue: true } },
                    ],
                    events: [{ name: "exception", attributes: [] }],
                  },
                ],
              },
            ],
          },
        ],
      },
    });
    expect(span).toEqual({
      traceId: TRACE_ID,
      spanId: "00f067aa0ba902b7",
      parentSpanId: "b7ad6b7169203331",
      name: "POST /v1/authorize",
      kind: "SERVER",
      serviceName: "auth",
      startNs: 1700000000000000000n,
      endNs: 1700000000002000000n,
      statusCode: "ERROR",
      statusMessage: "timed out",
      attributes: { "http.response.status_code": 503, retryable: true },
      events: [{ name: "exception", attributes: {} }],
      links: [],
    });
  });

  test("reads a field left out as its default, as OTLP/JSON leaves out an empty string", () => {
    const span = flattenOneSpan({
      attributes: [{ value: { stringValue: "no name" } }],
      events: [{ attributes: [] }],
    });
    expect(span).toMatchObject({
      name: "",
      kind: "UNSPECIFIED",
      statusCode: "UNSET",
      attributes: { "": "no name" },
      events: [{ name: "", attributes: {} }],
    });
  });

  test("reads every kind of value: an int64 past 2^53 as its digits, bytes, a kvlist, an array", () => {
    const span = flattenOneSpan({
      events: [
        {
          name: "retry.scheduled",
          attributes: [
            { key: "seq", value: { intValue: "9007199254740993" } },
            { key: "attempt", value: { intValue: 2 } },
            { key: "payload", value: { bytesValue: "aGk=" } },
            {
              key: "policy",
              value: {
                kvlistValue: { values: [{ key: "delayMs", value: { intValue: "500" } }] },
              },
            },
            { key: "codes", value: { arrayValue: { values: [{ intValue: "503" }] } } },
            { key: "empty", value: {} },
          ],
        },
      ],
    });
    expect(span?.events[0]?.attributes).toEqual({
      seq: "9007199254740993",
      attempt: 2,
      payload: "aGk=",
      policy: { delayMs: 500 },
      codes: [503],
      empty: undefined,
    });
  });
});
