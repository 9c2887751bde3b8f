import { rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fetchTrace, type TraceSpan } from "@tracemesh/trace";
import { loadConfig } from "./config.ts";
import { login } from "./login.ts";
import { printReport } from "./print-report.ts";
import { replayIncident } from "./replay-incident.ts";
import { scrapeMetrics } from "./scrape-metrics.ts";
import { type ServiceProcess, startServiceProcess } from "./service-process.ts";
import { openTraceBackend } from "./trace-backend.ts";

const repoRoot = resolve(import.meta.dirname, "../../..");
const config = loadConfig();
const dataDir = resolve(repoRoot, config.DEMO_DATA_DIR);
const write = (text: string) => process.stdout.write(`${text}\n`);

async function waitForTrace(traceId: string, queryUrl: string): Promise<TraceSpan[] | undefined> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const spans = await fetchTrace(traceId, { baseUrl: queryUrl }).catch(() => undefined);
    if (spans && spans.length > 0) return spans;
    await new Promise((r) => setTimeout(r, 500));
  }
  return undefined;
}

write(
  "tracemesh demo: starting auth and todo-api with telemetry, then replaying the /error incident\n",
);
await rm(dataDir, { recursive: true, force: true });
const traces = await openTraceBackend(config.JAEGER_QUERY_URL, config.OTLP_PORT);
const todoApiUrl = `http://127.0.0.1:${config.TODO_API_PORT}`;
const authUrl = `http://127.0.0.1:${config.AUTH_PORT}`;
const metricsUrl = `http://127.0.0.1:${config.TODO_API_METRICS_PORT}/metrics`;
const services: ServiceProcess[] = [];
const stopAll = async () => {
  await Promise.all(services.map((service) => service.stop()));
  await traces.close();
};

try {
  // auth first: todo-api asks it about every /v1 request.
  services.push(
    await startServiceProcess({
      name: "auth",
      repoRoot,
      readyUrl: `${authUrl}/health/ready`,
      logFile: join(dataDir, "logs/auth.log"),
      env: {
        PORT: String(config.AUTH_PORT),
        METRICS_PORT: String(config.AUTH_METRICS_PORT),
        OTEL_SERVICE_NAME: "auth",
        OTEL_EXPORTER_OTLP_ENDPOINT: traces.otlpEndpoint,
        OTEL_BSP_SCHEDULE_DELAY: "500",
      },
    }),
  );
  write(`   auth      ${authUrl}  logs ${join(dataDir, "logs/auth.log")}`);
  services.push(
    await startServiceProcess({
      name: "todo-api",
      repoRoot,
      readyUrl: `${todoApiUrl}/health/ready`,
      logFile: join(dataDir, "logs/todo-api.log"),
      env: {
        PORT: String(config.TODO_API_PORT),
        METRICS_PORT: String(config.TODO_API_METRICS_PORT),
        DATA_DIR: join(dataDir, "todo-api"),
        AUTH_URL: authUrl,
        CHAOS_ENABLED: "true",
        OTEL_SERVICE_NAME: "todo-api",
        OTEL_EXPORTER_OTLP_ENDPOINT: traces.otlpEndpoint,
        OTEL_BSP_SCHEDULE_DELAY: "500",
      },
    }),
  );
  write(
    `   todo-api  ${todoApiUrl}  metrics ${metricsUrl}  logs ${join(dataDir, "logs/todo-api.log")}`,
  );
  write(`   traces    ${traces.description}`);

  // The demo user's public password (services/auth's demo users).
  const accessToken = await login(authUrl, "alice", "alice-demo-password");
  write("   logged in as alice: every todo-api request carries her bearer token");

  const incident = await replayIncident({ baseUrl: todoApiUrl, accessToken });
  const traceId = (incident.failing?.body as { traceId?: string } | undefined)?.traceId;
  const todoApi = services.find((service) => service.name === "todo-api");
  const logLines =
    traceId && todoApi ? todoApi.logs().filter((line) => line.traceId === traceId) : [];
  const trace = traceId ? await waitForTrace(traceId, traces.queryUrl) : undefined;
  const metrics = await scrapeMetrics(metricsUrl, [
    "tracemesh_errors_total",
    "http_server_request_duration_count",
  ]);
  printReport({ incident, logLines, trace, metrics, metricsUrl }, write);
} catch (error) {
  write(`\ndemo failed: ${error instanceof Error ? error.message : String(error)}`);
  await stopAll();
  process.exit(1);
}

if (config.once) {
  await stopAll();
} else {
  write(
    `\nThe services keep running: try  curl -i ${todoApiUrl}/error   (Ctrl-C stops everything)`,
  );
  const stop = () => void stopAll().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}
