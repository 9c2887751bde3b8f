import type { IncomingMessage } from "node:http";
import { DiagLogLevel, diag } from "@opentelemetry/api";
import { getNodeAutoInstrumentations } from "@opentelemetry/auto-instrumentations-node";
import {
  CompositePropagator,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from "@opentelemetry/core";
import { PrometheusExporter } from "@opentelemetry/exporter-prometheus";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import {
  defaultResource,
  detectResources,
  envDetector,
  hostDetector,
  processDetector,
  type Resource,
} from "@opentelemetry/resources";
import { NodeSDK } from "@opentelemetry/sdk-node";
import { createJsonDiagLogger } from "./json-diag-logger.ts";
import { describeError, writeLogLine } from "./log-line.ts";
import type { TelemetryConfig } from "./telemetry-config.ts";
import { registerTelemetryShutdown } from "./telemetry-shutdown.ts";

const METRICS_ENDPOINT = "/metrics";

/**
 * Starts the OpenTelemetry Node SDK: http/pg/undici/winston… instrumentations, OTLP/HTTP traces
 * (`OTEL_EXPORTER_OTLP_*`), W3C trace context + baggage, and a Prometheus endpoint on the metrics
 * port. Import it only after the ESM loader hook is registered, so app modules load instrumented.
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

  const sdk = new NodeSDK({
    resource: await detectResource(),
    autoDetectResources: false,
    traceExporter: new OTLPTraceExporter(),
    metricReaders: [metricsServer],
    // Logs go to stdout as JSON (DESIGN §9); no OTLP log pipeline to a backend that may refuse it.
    logRecordProcessors: [],
    textMapPropagator: new CompositePropagator({
      propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
    }),
    instrumentations: [
      getNodeAutoInstrumentations({
        // Noisy: a span per file read, DNS lookup and socket would bury the request spans.
        "@opentelemetry/instrumentation-fs": { enabled: false },
        "@opentelemetry/instrumentation-dns": { enabled: false },
        "@opentelemetry/instrumentation-net": { enabled: false },
        "@opentelemetry/instrumentation-http": {
          ignoreIncomingRequestHook: (request) => isMetricsScrape(request, config.metricsPort),
        },
        "@opentelemetry/instrumentation-winston": { disableLogSending: true },
      }),
    ],
  });
  sdk.start();
  registerTelemetryShutdown(() => sdk.shutdown());
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
