import { context, metrics, propagation, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import {
  CompositePropagator,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from "@opentelemetry/core";
import { MeterProvider, MetricReader } from "@opentelemetry/sdk-metrics";
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  TracerProvider,
} from "@opentelemetry/sdk-trace";

class CollectingMetricReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

export interface TestTelemetry {
  spans: InMemorySpanExporter;
  reader: MetricReader;
}

let telemetry: TestTelemetry | undefined;

/** Registers an in-memory tracer, a metric reader, AsyncLocalStorage and W3C propagators once. */
export function useTestTelemetry(): TestTelemetry {
  if (telemetry) return telemetry;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(
    new CompositePropagator({
      propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
    }),
  );
  const spans = new InMemorySpanExporter();
  trace.setGlobalTracerProvider(
    new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: spans })] }),
  );
  const reader = new CollectingMetricReader();
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
  telemetry = { spans, reader };
  return telemetry;
}

/** The sum of a counter's (or the value of a gauge's) data points whose attributes include `match`. */
export async function metricValue(
  reader: MetricReader,
  name: string,
  match: Record<string, unknown> = {},
): Promise<number> {
  const { resourceMetrics } = await reader.collect();
  let total = 0;
  for (const scope of resourceMetrics.scopeMetrics) {
    for (const metric of scope.metrics) {
      if (metric.descriptor.name !== name) continue;
      for (const point of metric.dataPoints) {
        const matches = Object.entries(match).every(
          ([key, value]) => point.attributes[key] === value,
        );
        if (matches && typeof point.value === "number") total += point.value;
      }
    }
  }
  return total;
}

export function spansNamed(spans: InMemorySpanExporter, name: string): ReadableSpan[] {
  return spans.getFinishedSpans().filter((span) => span.name === name);
}
