/** The Jaeger that docker compose runs: jaegertracing/jaeger:<JAEGER_VERSION>. */
export const JAEGER_VERSION = "2.20.0";

/**
 * The component types that Jaeger 2.20.0 is built with, by kind: the factories registered in
 * cmd/jaeger/internal/components.go at tag v2.20.0 of github.com/jaegertracing/jaeger, each by
 * the type its factory declares. A config naming any other type fails at start-up; when
 * JAEGER_VERSION changes, read that file again at the new tag.
 */
export const JAEGER_COMPONENTS = {
  extensions: [
    "healthcheckv2",
    "pprof",
    "zpages",
    "basicauth",
    "sigv4auth",
    "jaeger_query",
    "jaeger_storage",
    "remote_sampling",
    "expvar",
    "storage_cleaner",
    "remote_storage",
  ],
  receivers: ["otlp", "nop", "jaeger", "kafka", "zipkin"],
  exporters: ["debug", "otlp", "otlphttp", "nop", "jaeger_storage_exporter", "kafka", "prometheus"],
  processors: [
    "batch",
    "memory_limiter",
    "tail_sampling",
    "attributes",
    "filter",
    "adaptive_sampling",
  ],
  connectors: ["forward", "spanmetrics"],
} as const;

/** A kind of component in a collector config, as its top-level key names it. */
export type ComponentKind = keyof typeof JAEGER_COMPONENTS;

/** The type of a component id: `otlp` of `otlp/internal`. */
export function componentType(id: string): string {
  return id.split("/")[0] ?? id;
}
