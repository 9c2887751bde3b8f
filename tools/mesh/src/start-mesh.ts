import { join } from "node:path";
import type { AlertmanagerServer } from "./alertmanager-server.ts";
import type { DemoSecrets } from "./demo-secrets.ts";
import { type NatsBackend, openNats } from "./nats-server.ts";
import type { PrometheusServer, ScrapeTarget } from "./prometheus-server.ts";
import { assertServicePortsFree } from "./service-ports.ts";
import { type ServiceProcess, startServiceProcess } from "./service-process.ts";
import { startAlerting } from "./start-alerting.ts";
import { openTraceBackend, type TraceBackend } from "./trace-backend.ts";

export interface MeshPorts {
  todoApi: number;
  todoApiMetrics: number;
  auth: number;
  authMetrics: number;
  notifier: number;
  notifierMetrics: number;
  /** The local OTLP sink's, when no Jaeger answers. */
  otlp: number;
  /** Wanted; a free one is taken when it is in use. */
  prometheus: number;
  alertmanager: number;
}

/** The ports of docs/architecture.md. */
export const DEFAULT_PORTS: MeshPorts = {
  todoApi: 8080,
  todoApiMetrics: 9464,
  auth: 8081,
  authMetrics: 9465,
  notifier: 8082,
  notifierMetrics: 9466,
  otlp: 4318,
  prometheus: 9090,
  alertmanager: 9093,
};

/**
 * Prometheus and Alertmanager: started when installed ("when-installed"), a failure when not
 * ("required": tests under CI), or not at all ("off").
 */
export type AlertingMode = "when-installed" | "required" | "off";

export interface MeshOptions {
  ports: MeshPorts;
  /** Logs, the embedded database, NATS's and Prometheus's data of this run. */
  dataDir: string;
  /** The NATS to use when it answers. */
  natsUrl: string;
  /** "private": always a nats-server of the mesh's own. */
  natsMode: "auto" | "private";
  /** Where Jaeger is looked for; without one, the local OTLP sink stands in. */
  jaegerQueryUrl: string;
  /** A PATH: where nats-server, prometheus and alertmanager are found. */
  searchPath: string;
  /** What the services inherit, under the mesh's own settings: OTEL_*, LOG_LEVEL, PATH… */
  inheritedEnv: Record<string, string | undefined>;
  secrets: DemoSecrets;
  /** @default "when-installed" */
  alerting?: AlertingMode;
  /** Rule files Prometheus goes without (see StartPrometheusOptions). */
  withoutRules?: string[];
  /** Told each step, one line at a time. @default nothing */
  write?: (line: string) => void;
}

export type ServiceName = "auth" | "todo-api" | "notifier";

export interface Mesh {
  urls: Record<ServiceName, string>;
  metricsUrls: Record<ServiceName, string>;
  /** The services running: the notifier only with NATS. */
  services: Partial<Record<ServiceName, ServiceProcess>>;
  traces: TraceBackend;
  nats: NatsBackend;
  prometheus: PrometheusServer | undefined;
  alertmanager: AlertmanagerServer | undefined;
  /** Why Prometheus and Alertmanager are not there, and how to get them. */
  alertingNote: string | undefined;
  /** The secrets the services were given. */
  secrets: DemoSecrets;
  /** Where the run keeps its logs and data. */
  dataDir: string;
  /** What Prometheus scrapes: the services, Alertmanager and itself. */
  scrapeTargets: ScrapeTarget[];
  /** Services first (they drain NATS before a private server goes), then the rest. */
  stop(): Promise<void>;
}

/**
 * Starts what `pnpm demo`, the load scripts and the end-to-end tests run against: the trace
 * backend, NATS, auth, todo-api and the notifier (each ready), then Alertmanager and Prometheus
 * on the repository's configs. What fails to start stops what was started, and rejects.
 */
export async function startMesh(options: MeshOptions): Promise<Mesh> {
  const { ports, dataDir, write = () => {} } = options;
  const started: { stop(): Promise<unknown> }[] = [];
  const stopAll = async () => {
    for (const each of started.reverse()) await each.stop().catch(() => {});
  };
  try {
    await assertServicePortsFree(ports);
    const traces = await openTraceBackend(options.jaegerQueryUrl, ports.otlp);
    started.push({ stop: () => traces.close() });
    const nats = await openNats({
      natsUrl: options.natsUrl,
      mode: options.natsMode,
      dataDir,
      searchPath: options.searchPath,
    });
    started.push({ stop: () => nats.close() });
    const urls = serviceUrls(ports);
    const metricsUrls = {
      auth: `http://127.0.0.1:${ports.authMetrics}/metrics`,
      "todo-api": `http://127.0.0.1:${ports.todoApiMetrics}/metrics`,
      notifier: `http://127.0.0.1:${ports.notifierMetrics}/metrics`,
    };
    const services = await startServices(options, traces, nats, started);
    for (const [name, url] of Object.entries(urls)) {
      const logFile = join(dataDir, `logs/${name}.log`);
      if (services[name as ServiceName]) write(`   ${name.padEnd(9)} ${url}  logs ${logFile}`);
    }
    write(`   nats      ${nats.description}`);
    if (!services.notifier) {
      write("   notifier  not started: it needs NATS (install nats-server or set NATS_URL)");
    }
    write(`   traces    ${traces.description}`);

    const alerting = await startAlerting(options, urls.notifier, Boolean(services.notifier));
    for (const server of [alerting.alertmanager, alerting.prometheus]) {
      if (server) started.push(server);
    }
    if (alerting.prometheus && alerting.alertmanager) {
      write(`   prometheus ${alerting.prometheus.url}  rules observability/prometheus/rules`);
      write(`   alertmanager ${alerting.alertmanager.url}  → notifier ${urls.notifier}/v1/alerts`);
    } else {
      write(`   alerting  ${alerting.note}`);
    }
    return {
      urls,
      metricsUrls,
      services,
      traces,
      nats,
      prometheus: alerting.prometheus,
      alertmanager: alerting.alertmanager,
      alertingNote: alerting.note,
      secrets: options.secrets,
      dataDir,
      scrapeTargets: alerting.targets,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

function serviceUrls(ports: MeshPorts): Record<ServiceName, string> {
  return {
    auth: `http://127.0.0.1:${ports.auth}`,
    "todo-api": `http://127.0.0.1:${ports.todoApi}`,
    notifier: `http://127.0.0.1:${ports.notifier}`,
  };
}

/** The three services at once: none needs another to start, only to answer. */
async function startServices(
  options: MeshOptions,
  traces: TraceBackend,
  nats: NatsBackend,
  started: { stop(): Promise<unknown> }[],
): Promise<Partial<Record<ServiceName, ServiceProcess>>> {
  const { ports, dataDir, secrets } = options;
  const urls = serviceUrls(ports);
  const natsEnv: Record<string, string> = nats.url ? { NATS_URL: nats.url } : {};
  const chaos = { CHAOS_ENABLED: "true", CHAOS_TOKEN: secrets.chaosToken };
  const start = async (name: ServiceName, env: Record<string, string>) => {
    const service = await startServiceProcess({
      name,
      readyUrl: `${urls[name]}/health/ready`,
      logFile: join(dataDir, `logs/${name}.log`),
      env: {
        ...options.inheritedEnv,
        ...env,
        OTEL_SERVICE_NAME: name,
        OTEL_EXPORTER_OTLP_ENDPOINT: traces.otlpEndpoint,
        // Spans reach the trace backend within half a second: an alert's example trace is there.
        OTEL_BSP_SCHEDULE_DELAY: "500",
        // No load balancer in front to wait for: Ctrl-C stops accepting at once.
        SHUTDOWN_GRACE_MS: "0",
      },
    });
    started.push(service);
    return service;
  };
  // Settled, not raced: a failure rejects only once every other start is in `started`.
  const results = await Promise.allSettled([
    start("auth", {
      PORT: String(ports.auth),
      METRICS_PORT: String(ports.authMetrics),
      SERVICE_TOKEN: secrets.serviceToken,
      ...chaos,
    }),
    start("todo-api", {
      PORT: String(ports.todoApi),
      METRICS_PORT: String(ports.todoApiMetrics),
      DATA_DIR: join(dataDir, "todo-api"),
      AUTH_URL: urls.auth,
      ...natsEnv,
      ...chaos,
    }),
    // No NOTIFY_WEBHOOK_URL: deliveries are `notification.delivered` log lines.
    nats.url
      ? start("notifier", {
          PORT: String(ports.notifier),
          METRICS_PORT: String(ports.notifierMetrics),
          AUTH_URL: urls.auth,
          SERVICE_TOKEN: secrets.serviceToken,
          ALERTS_TOKEN: secrets.alertsToken,
          TRACE_QUERY_URL: traces.queryUrl,
          ...natsEnv,
          ...chaos,
        })
      : Promise.resolve(undefined),
  ]);
  const failed = results.find((result) => result.status === "rejected");
  if (failed) throw failed.reason;
  const [auth, todoApi, notifier] = results.map((result) =>
    result.status === "fulfilled" ? result.value : undefined,
  );
  return { auth, "todo-api": todoApi, notifier };
}
