import { headers } from "@nats-io/nats-core";
import { context, propagation, ROOT_CONTEXT, trace } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import { useTestTelemetry } from "./test-utils.ts";
import {
  captureTraceCarrier,
  contextFromCarrier,
  extractTraceContext,
  injectTraceHeaders,
} from "./trace-headers.ts";

useTestTelemetry();
const tracer = trace.getTracer("test");
const TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

describe("trace context in NATS headers", () => {
  it("injects the active span's traceparent and the baggage, and extracts them back", () => {
    tracer.startActiveSpan("request", (span) => {
      const bag = propagation.createBaggage({ tenant: { value: "acme" } });
      const hdrs = context.with(propagation.setBaggage(context.active(), bag), () =>
        injectTraceHeaders(headers()),
      );
      const { traceId, spanId } = span.spanContext();
      expect(hdrs.get("traceparent")).toBe(`00-${traceId}-${spanId}-01`);
      expect(hdrs.get("baggage")).toBe("tenant=acme");
      const extracted = extractTraceContext(hdrs, {}, ROOT_CONTEXT);
      expect(trace.getSpanContext(extracted)).toMatchObject({ traceId, spanId, isRemote: true });
      expect(propagation.getBaggage(extracted)?.getEntry("tenant")?.value).toBe("acme");
      span.end();
    });
  });

  it("reads a header whatever its case", () => {
    const hdrs = headers();
    hdrs.set("Traceparent", TRACEPARENT);
    const extracted = extractTraceContext(hdrs, {}, ROOT_CONTEXT);
    expect(trace.getSpanContext(extracted)?.spanId).toBe("00f067aa0ba902b7");
  });

  it("falls back to the CloudEvents traceparent when the headers have none", () => {
    const extracted = extractTraceContext(undefined, { traceparent: TRACEPARENT }, ROOT_CONTEXT);
    expect(trace.getSpanContext(extracted)?.traceId).toBe("4bf92f3577b34da6a3ce929d0e0e4736");
    const none = extractTraceContext(headers(), {}, ROOT_CONTEXT);
    expect(trace.getSpanContext(none)).toBeUndefined();
  });

  it("prefers the headers over the CloudEvents extension", () => {
    const hdrs = headers();
    hdrs.set("traceparent", "00-11111111111111111111111111111111-2222222222222222-01");
    const extracted = extractTraceContext(hdrs, { traceparent: TRACEPARENT }, ROOT_CONTEXT);
    expect(trace.getSpanContext(extracted)?.traceId).toBe("11111111111111111111111111111111");
  });

  it("captures the active context as text and restores it later (the outbox round trip)", () => {
    const carrier = tracer.startActiveSpan("request", (span) => {
      const bag = propagation.createBaggage({ user: { value: "u1" } });
      const captured = context.with(propagation.setBaggage(context.active(), bag), () =>
        captureTraceCarrier(),
      );
      span.end();
      return { captured, ids: span.spanContext() };
    });
    expect(carrier.captured).toEqual({
      traceparent: `00-${carrier.ids.traceId}-${carrier.ids.spanId}-01`,
      baggage: "user=u1",
    });
    const restored = contextFromCarrier(carrier.captured);
    expect(trace.getSpanContext(restored)?.spanId).toBe(carrier.ids.spanId);
    expect(propagation.getBaggage(restored)?.getEntry("user")?.value).toBe("u1");
    expect(captureTraceCarrier(ROOT_CONTEXT)).toEqual({});
  });
});
