import { context, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from "@opentelemetry/sdk-trace";
import { afterAll, beforeAll } from "vitest";

/**
 * For the calling test file: a tracer provider that keeps ended spans in memory, registered
 * as the global one, with an AsyncLocalStorage context manager so `context.with()` and the
 * active span work as they do under the preload. Undone after the file's tests.
 */
export function useInMemoryTracing(): { exporter: InMemorySpanExporter; provider: TracerProvider } {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  beforeAll(() => {
    trace.setGlobalTracerProvider(provider);
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  });
  afterAll(() => {
    context.disable();
    trace.disable();
  });
  return { exporter, provider };
}
