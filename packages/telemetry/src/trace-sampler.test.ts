import { randomBytes } from "node:crypto";
import { type Context, ROOT_CONTEXT, SpanKind, TraceFlags, trace } from "@opentelemetry/api";
import { type Sampler, SamplingDecision } from "@opentelemetry/sdk-trace";
import { afterEach, describe, expect, it, vi } from "vitest";
import { samplerFromEnv } from "./trace-sampler.ts";

const randomTraceId = () => randomBytes(16).toString("hex");

/** What a service does with a request whose caller sent `traceparent` with this decision. */
function underCaller(sampled: boolean): Context {
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId: randomTraceId(),
    spanId: randomBytes(8).toString("hex"),
    traceFlags: sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
    isRemote: true,
  });
}

function keeps(sampler: Sampler, parent: Context = ROOT_CONTEXT): boolean {
  const traceId = trace.getSpanContext(parent)?.traceId ?? randomTraceId();
  const result = sampler.shouldSample(parent, traceId, "GET /v1/todos", SpanKind.SERVER, {}, []);
  return result.decision === SamplingDecision.RECORD_AND_SAMPLED;
}

function shareKept(sampler: Sampler, traces: number, parent?: () => Context): number {
  let kept = 0;
  for (let i = 0; i < traces; i += 1) if (keeps(sampler, parent?.())) kept += 1;
  return kept / traces;
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("samplerFromEnv", () => {
  it("keeps every trace by default, and follows a caller that dropped its own", () => {
    const sampler = samplerFromEnv();
    expect(shareKept(sampler, 1000)).toBe(1);
    expect(shareKept(sampler, 1000, () => underCaller(false))).toBe(0);
  });

  it("parentbased_traceidratio 0.1 keeps about one trace in ten, each whole across services", () => {
    vi.stubEnv("OTEL_TRACES_SAMPLER", "parentbased_traceidratio");
    vi.stubEnv("OTEL_TRACES_SAMPLER_ARG", "0.1");
    const sampler = samplerFromEnv();
    // Where a trace starts (todo-api, for a client without traceparent): one in ten by trace id.
    const share = shareKept(sampler, 20_000);
    expect(share).toBeGreaterThan(0.08);
    expect(share).toBeLessThan(0.12);
    // Downstream (auth, the notifier): the caller's decision, so no trace loses its middle.
    expect(shareKept(sampler, 1000, () => underCaller(true))).toBe(1);
    expect(shareKept(sampler, 1000, () => underCaller(false))).toBe(0);
  });

  it("always_off records no span at all", () => {
    vi.stubEnv("OTEL_TRACES_SAMPLER", "always_off");
    const sampler = samplerFromEnv();
    expect(shareKept(sampler, 1000)).toBe(0);
    expect(shareKept(sampler, 1000, () => underCaller(true))).toBe(0);
  });
});
