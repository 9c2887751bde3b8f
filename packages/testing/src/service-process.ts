import { fileURLToPath } from "node:url";
import { freePort } from "./free-port.ts";
import { type NodeProcess, startNodeProcess } from "./node-process.ts";

export type ServiceName = "todo-api" | "auth" | "notifier";

// The repository's layout, not an import: the services depend on this package, not it on them.
const SERVICES_DIR = fileURLToPath(new URL("../../../services/", import.meta.url));

// What a test gets unless it says otherwise. todo-api's relay publishes nowhere (nothing listens
// on port 1), never into a broker other tests share. No load balancer waits on a test's service:
// it stops accepting at SIGTERM, without a grace period.
const SERVICE_DEFAULTS: Record<ServiceName, Record<string, string>> = {
  "todo-api": { NATS_URL: "127.0.0.1:1", SHUTDOWN_GRACE_MS: "0" },
  auth: { SHUTDOWN_GRACE_MS: "0" },
  notifier: { SHUTDOWN_GRACE_MS: "0" },
};

/**
 * Runs a service as `pnpm start` does: `node --import @tracemesh/telemetry/preload src/main.ts`
 * in services/<service>, OTEL_SERVICE_NAME set to its name, configured by `env` only.
 */
export function startService(service: ServiceName, env: Record<string, string>): NodeProcess {
  return startNodeProcess(["--import", "@tracemesh/telemetry/preload", "src/main.ts"], {
    cwd: `${SERVICES_DIR}${service}`,
    env: { OTEL_SERVICE_NAME: service, ...SERVICE_DEFAULTS[service], ...env },
    name: service,
  });
}

export interface ListeningService extends NodeProcess {
  /** `http://127.0.0.1:<port>` */
  url: string;
  metricsPort: number;
}

/**
 * Starts a service on a free port (PORT and METRICS_PORT unless `env` names them) and resolves
 * once it logs `server.listening`.
 */
export async function startListeningService(
  service: ServiceName,
  env: Record<string, string> = {},
): Promise<ListeningService> {
  // The preload's Prometheus exporter refuses port 0: borrow a free one.
  const metricsPort = Number(env.METRICS_PORT ?? (await freePort()));
  const started = startService(service, { PORT: "0", METRICS_PORT: String(metricsPort), ...env });
  const listening = await started.waitForLine("server.listening");
  return { ...started, url: `http://127.0.0.1:${String(listening.port)}`, metricsPort };
}

/** The env that has a service export its spans to `sink` (an OTLP/HTTP receiver) at once. */
export function traceExportEnv(sink: { url: string }): Record<string, string> {
  return { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, OTEL_BSP_SCHEDULE_DELAY: "50" };
}
