import { describe, expect, it } from "vitest";
import { toFlatSpan } from "./flat-span.ts";
import { ROOT_SPAN_ID, TRACE_ID } from "./test-utils.ts";

describe("toFlatSpan", () => {
  it("folds resource and scope into one span with plain attributes and named enums", () => {
    const flat = toFlatSpan(
      { attributes: [{ key: "service.name", value: { stringValue: "notifier" } }] },
      { name: "@opentelemetry/instrumentation-http" },
      {
        traceId: TRACE_ID,
        spanId: ROOT_SPAN_ID,
        name: "deliver",
        kind: 5,
        startTimeUnixNano: "1700000000000000001",
        endTimeUnixNano: "1700000000000000002",
        status: { code: 2, message: "webhook refused" },
        attributes: [
          { key: "s", value: { stringValue: "x" } },
          { key: "i", value: { intValue: "42" } },
          { key: "big", value: { intValue: "9223372036854775807" } },
          { key: "d", value: { doubleValue: 0.25 } },
          { key: "b", value: { boolValue: true } },
          { key: "bytes", value: { bytesValue: "AQI=" } },
          {
            key: "list",
            value: { arrayValue: { values: [{ intValue: "1" }, { stringValue: "two" }] } },
          },
          {
            key: "map",
            value: { kvlistValue: { values: [{ key: "k", value: { boolValue: false } }] } },
          },
          { key: "empty", value: {} },
        ],
        events: [
          {
            name: "retry",
            timeUnixNano: "5",
            attributes: [{ key: "n", value: { intValue: "1" } }],
          },
        ],
        links: [{ traceId: TRACE_ID, spanId: ROOT_SPAN_ID }],
      },
    );

    expect(flat).toEqual({
      traceId: TRACE_ID,
      spanId: ROOT_SPAN_ID,
      parentSpanId: undefined,
      name: "deliver",
      kind: "CONSUMER",
      serviceName: "notifier",
      resourceAttributes: { "service.name": "notifier" },
      scopeName: "@opentelemetry/instrumentation-http",
      status: { code: "ERROR", message: "webhook refused" },
      attributes: {
        s: "x",
        i: 42,
        big: "9223372036854775807",
        d: 0.25,
        b: true,
        bytes: "AQI=",
        list: [1, "two"],
        map: { k: false },
        empty: null,
      },
      events: [{ name: "retry", timeUnixNano: "5", attributes: { n: 1 } }],
      links: [{ traceId: TRACE_ID, spanId: ROOT_SPAN_ID, attributes: {} }],
      startTimeUnixNano: "1700000000000000001",
      endTimeUnixNano: "1700000000000000002",
    });
  });

  it("fills what a minimal span leaves out", () => {
    const flat = toFlatSpan(undefined, undefined, { traceId: TRACE_ID, spanId: ROOT_SPAN_ID });

    expect(flat).toMatchObject({
      name: "",
      kind: "UNSPECIFIED",
      serviceName: "unknown_service",
      status: { code: "UNSET", message: "" },
      startTimeUnixNano: "0",
      attributes: {},
      events: [],
    });
  });
});
