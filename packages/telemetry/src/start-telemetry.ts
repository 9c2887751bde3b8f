import { IncomingMessage } from "node:http";
import { context, DiagLogLevel, diag, metrics, propagation, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import {
  CompositePropagator,
  getNumberFromEnv,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from "@opentelemetry/core";
import { PrometheusExporter } from "@opentelemetry/exporter-prometheus";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { registerInstrumentations } from "@opentelemetry/instrumentation";
import { HttpInstrumentation } from "@opentelemetry/instrumentation-http";
import { PgInstrumentation } from "@opentelemetry/instrumentation-pg";
import { RuntimeNodeInstrumentation } from "@opentelemetry/instrumentation-runtime-node";
import { UndiciInstrumentation } from "@opentelemetry/instrumentation-undici";
import { WinstonInstrumentation } from "@opentelemetry/instrumentation-winston";
import {
  defaultResource,
  detectResources,
  envDetector,
  hostDetector,
  processDetector,
  type Resource,
} from "@opentelemetry/resources";
import { MeterProvider } from "@opentelemetry/sdk-metrics";
import { BatchSpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";
import { createJsonDiagLogger } from "./json-diag-logger.ts";
import { describeError, writeLogLine } from "./log-line.ts";
import { clientUrlAttributes, serverQueryAttributes } from "./span-redaction.ts";
import type { TelemetryConfig } from "./telemetry-config.ts";
import { registerTelemetryShutdown } from "./telemetry-shutdown.ts";
import { samplerFromEnv } from "./trace-sampler.ts";

const METRICS_ENDPOINT = "/metrics";

/**
 * Spans per export request unless OTEL_BSP_MAX_EXPORT_BATCH_SIZE says otherwise; the SDK's own
 * default is 512. Serializing and sending 512 spans at once held a busy service's event loop
 * for milliseconds (up to 10–13 ms in a CPU profile under load), and what came behind waited:
 * at 200 todos a second the queue hop's p99 had a median of 41 ms over 20 rounds with 512, and
 * 27 ms with 64 in the rounds beside them (docs/performance.md). The price is more exports: about
 * 4 % of the throughput of `GET /error`, one span a request at ~6000 a second; none measurable on
 * the other paths.
 */
const EXPORT_BATCH_SPANS = 64;

/**
 * Starts OpenTelemetry: the http, undici (fetch), pg, winston and runtime instrumentations,
 * OTLP/HTTP traces (`OTEL_EXPORTER_OTLP_*`, `OTEL_BSP_*`, `OTEL_TRACES_SAMPLER`), W3C trace
 * context and baggage, and a Prometheus endpoint on the metrics port. Spans' URLs have their
 * credentials redacted (span-redaction.ts). The preload registers the ESM loader hook once this module
 * is loaded and before the app's modules are.
 */
export async function startTelemetry(config: TelemetryConfig): Promise<void> {
  const service = config.serviceName === undefined ? {} : { service: config.serviceName };
  // Before the SDK: OTEL_LOG_LEVEL, when set, makes the SDK replace this with its console logger.
  diag.setLogger(createJsonDiagLogger(service), { logLevel: DiagLogLevel.WARN });

  const metricsServer = new PrometheusExporter(
    { host: config.metricsHost, port: config.metricsPort, endpoint: METRICS_ENDPOINT },
    (error) => {
      if (!error) return;
      writeLogLine("error", "telemetry.metrics_unavailable", {
        ...service,
        metricsPort: config.metricsPort,
        error: describeError(error),
      });
    },
  );

  // The SDK's parts, not NodeSDK: it loads every exporter it could be configured with (gRPC,
  // protobuf, zipkin, logs), some 40 MB of each service's memory for none of them used.
  const resource = await detectResource();
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(
    new CompositePropagator({
      propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
    }),
  );
  const meterProvider = new MeterProvider({ resource, readers: [metricsServer] });
  metrics.setGlobalMeterProvider(meterProvider);
  const tracerProvider = new TracerProvider({
    resource,
    sampler: samplerFromEnv(),
    spanProcessors: [
      new BatchSpanProcessor({
        exporter: new OTLPTraceExporter(),
        // The standard OTEL_BSP_* variables, as the SDK reads them.
        maxQueueSize: getNumberFromEnv("OTEL_BSP_MAX_QUEUE_SIZE"),
        scheduledDelayMillis: getNumberFromEnv("OTEL_BSP_SCHEDULE_DELAY"),
        exportTimeoutMillis: getNumberFromEnv("OTEL_BSP_EXPORT_TIMEOUT"),
        maxExportBatchSize:
          getNumberFromEnv("OTEL_BSP_MAX_EXPORT_BATCH_SIZE") ?? EXPORT_BATCH_SPANS,
      }),
    ],
  });
  trace.setGlobalTracerProvider(tracerProvider);
  // Logs go to stdout as JSON (docs/architecture.md#config-logs-and-metrics): no OTLP log
  // pipeline to a backend that may refuse it.
  registerInstrumentations({
    tracerProvider,
    meterProvider,
    // Only what the services use, not the auto-instrumentations bundle: its forty-odd
    // instrumentations cost each service a second of start-up and ~100 MB for nothing. fs, dns
    // and net stay out on purpose: a span per file read or socket would bury the request spans.
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) =>
          isMetricsScrape(request, config.metricsPort) || isHealthProbe(request),
        requestHook: (span, request) => {
          if (!(request instanceof IncomingMessage)) return;
          const query = serverQueryAttributes(request);
          if (query !== undefined) span.setAttributes(query);
        },
      }),
      new UndiciInstrumentation({
        startSpanHook: (request) => clientUrlAttributes(request.origin, request.path),
      }),
      new PgInstrumentation(),
      new WinstonInstrumentation({ disableLogSending: true }),
      new RuntimeNodeInstrumentation(),
    ],
  });
  registerTelemetryShutdown(async () => {
    await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]);
  });
}

// The SDK's own detection leaves host.id pending until a span export awaits it, and the Prometheus
// exporter reads the resource on every scrape without waiting: an error line per scrape on an idle
// service. The same detectors (SDK defaults; OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES come
// from envDetector), settled before start.
async function detectResource(): Promise<Resource> {
  const detected = detectResources({ detectors: [envDetector, processDetector, hostDetector] });
  await detected.waitForAsyncAttributes?.();
  return defaultResource().merge(detected);
}

// Prometheus scrapes arrive on the exporter's own server; tracing them would flood the traces
// and give the scrape its own http_server_request_duration series.
function isMetricsScrape(request: IncomingMessage, metricsPort: number): boolean {
  return request.socket.localPort === metricsPort;
}

// The same for /health/live and /health/ready: a balancer and an orchestrator probe every few
// seconds, for ever. A probe's span says nothing a trace reader wants, and at a few thousand
// probes a second it cost 40 % of the throughput (pnpm bench). The access log still has them.
// Only these exact paths: the server resolves dot segments after this hook, so a prefix would
// let `/health/../error` reach /error unseen by traces, metrics and the alerts built on them.
const HEALTH_PROBE_PATHS = new Set(["/health/live", "/health/ready"]);

function isHealthProbe(request: IncomingMessage): boolean {
  const url = request.url ?? "";
  const end = url.indexOf("?");
  return HEALTH_PROBE_PATHS.has(end === -1 ? url : url.slice(0, end));
}
