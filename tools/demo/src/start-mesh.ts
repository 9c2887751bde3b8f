import { randomBytes } from "node:crypto";
import { join } from "node:path";
import type { DemoConfig } from "./config.ts";
import type { NatsBackend } from "./nats-server.ts";
import { type ServiceProcess, startServiceProcess } from "./service-process.ts";
import type { TraceBackend } from "./trace-backend.ts";

export interface MeshOptions {
  config: DemoConfig;
  repoRoot: string;
  dataDir: string;
  traces: TraceBackend;
  nats: NatsBackend;
  write: (text: string) => void;
  /** Every service started is pushed here at once, so a failure later still stops it. */
  services: ServiceProcess[];
}

export interface Mesh {
  authUrl: string;
  todoApiUrl: string;
  metricsUrl: string;
  /** Absent when no NATS could be had: nothing would reach it. */
  notifier: ServiceProcess | undefined;
  notifierLogFile: string;
  natsDescription: string;
}

/** Starts auth, todo-api and (with NATS) the notifier, each ready before the next one starts. */
export async function startMesh(options: MeshOptions): Promise<Mesh> {
  const { config, repoRoot, dataDir, traces, nats, write, services } = options;
  const authUrl = `http://127.0.0.1:${config.AUTH_PORT}`;
  const todoApiUrl = `http://127.0.0.1:${config.TODO_API_PORT}`;
  const notifierUrl = `http://127.0.0.1:${config.NOTIFIER_PORT}`;
  const metricsUrl = `http://127.0.0.1:${config.TODO_API_METRICS_PORT}/metrics`;
  const logFile = (name: string) => join(dataDir, `logs/${name}.log`);
  // auth lets the notifier read profiles with this bearer secret: a fresh one per run.
  const serviceToken = randomBytes(24).toString("hex");
  const natsEnv: Record<string, string> = nats.url ? { NATS_URL: nats.url } : {};
  const start = async (name: string, url: string, env: Record<string, string>) => {
    const service = await startServiceProcess({
      name,
      repoRoot,
      readyUrl: `${url}/health/ready`,
      logFile: logFile(name),
      env: {
        ...config.inheritedEnv,
        ...env,
        OTEL_SERVICE_NAME: name,
        OTEL_EXPORTER_OTLP_ENDPOINT: traces.otlpEndpoint,
        OTEL_BSP_SCHEDULE_DELAY: "500",
      },
    });
    services.push(service);
    return service;
  };

  // auth first: todo-api asks it about every /v1 request, the notifier about every recipient.
  await start("auth", authUrl, {
    PORT: String(config.AUTH_PORT),
    METRICS_PORT: String(config.AUTH_METRICS_PORT),
    SERVICE_TOKEN: serviceToken,
  });
  write(`   auth      ${authUrl}  logs ${logFile("auth")}`);
  await start("todo-api", todoApiUrl, {
    PORT: String(config.TODO_API_PORT),
    METRICS_PORT: String(config.TODO_API_METRICS_PORT),
    DATA_DIR: join(dataDir, "todo-api"),
    AUTH_URL: authUrl,
    CHAOS_ENABLED: "true",
    // The fault controls' bearer secret: the demo only replays /error, which needs none.
    CHAOS_TOKEN: randomBytes(24).toString("hex"),
    ...natsEnv,
  });
  write(`   todo-api  ${todoApiUrl}  metrics ${metricsUrl}  logs ${logFile("todo-api")}`);
  write(`   nats      ${nats.description}`);
  let notifier: ServiceProcess | undefined;
  if (nats.url) {
    // No NOTIFY_WEBHOOK_URL: deliveries are `notification.delivered` log lines.
    notifier = await start("notifier", notifierUrl, {
      PORT: String(config.NOTIFIER_PORT),
      METRICS_PORT: String(config.NOTIFIER_METRICS_PORT),
      AUTH_URL: authUrl,
      SERVICE_TOKEN: serviceToken,
      ...natsEnv,
    });
    write(`   notifier  ${notifierUrl}  logs ${logFile("notifier")}`);
  } else {
    write("   notifier  not started: it needs NATS (install nats-server or set NATS_URL)");
  }
  write(`   traces    ${traces.description}`);
  return {
    authUrl,
    todoApiUrl,
    metricsUrl,
    notifier,
    notifierLogFile: logFile("notifier"),
    natsDescription: nats.description,
  };
}
