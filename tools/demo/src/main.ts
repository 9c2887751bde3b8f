import { rm } from "node:fs/promises";
import { resolve } from "node:path";
import { configOrExit } from "@tracemesh/config";
import { fetchTrace, type TraceSpan } from "@tracemesh/trace";
import { loadConfig } from "./config.ts";
import { login } from "./login.ts";
import { openNats } from "./nats-server.ts";
import type { JourneyReport } from "./print-journey.ts";
import { printReport } from "./print-report.ts";
import { type IncidentResult, replayIncident } from "./replay-incident.ts";
import { scrapeMetrics } from "./scrape-metrics.ts";
import type { ServiceProcess } from "./service-process.ts";
import { type Mesh, startMesh } from "./start-mesh.ts";
import { followTodo } from "./todo-journey.ts";
import { openTraceBackend } from "./trace-backend.ts";

const repoRoot = resolve(import.meta.dirname, "../../..");
const config = configOrExit("demo", () => loadConfig());
const dataDir = resolve(repoRoot, config.DEMO_DATA_DIR);
const write = (text: string) => process.stdout.write(`${text}\n`);

async function followFirstTodo(
  incident: IncidentResult,
  mesh: Mesh,
  queryUrl: string,
): Promise<JourneyReport> {
  const created = incident.responses.find((r) => r.method === "POST" && r.status === 201);
  if (!mesh.notifier) return { skipped: `no NATS: ${mesh.natsDescription}` };
  if (!created) return { skipped: "no todo was created" };
  const journey = await followTodo({ created, notifier: mesh.notifier, queryUrl });
  if (!journey) return { skipped: "the POST /v1/todos response had no traceresponse header" };
  return { journey, notifierLogFile: mesh.notifierLogFile };
}

async function waitForTrace(traceId: string, queryUrl: string): Promise<TraceSpan[] | undefined> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const spans = await fetchTrace(traceId, { baseUrl: queryUrl }).catch(() => undefined);
    if (spans && spans.length > 0) return spans;
    await new Promise((r) => setTimeout(r, 500));
  }
  return undefined;
}

write(
  "tracemesh demo: starting auth, todo-api and the notifier with telemetry and NATS, then replaying the /error incident\n",
);
await rm(dataDir, { recursive: true, force: true });
const traces = await openTraceBackend(config.JAEGER_QUERY_URL, config.OTLP_PORT);
const nats = await openNats({
  natsUrl: config.NATS_URL,
  mode: config.DEMO_NATS,
  dataDir,
  searchPath: config.PATH,
});
const services: ServiceProcess[] = [];
// Services first: they drain their NATS connections before the private server goes away.
const stopAll = async () => {
  await Promise.all(services.map((service) => service.stop()));
  await Promise.all([traces.close(), nats.close()]);
};
let todoApiUrl = "";

try {
  const mesh = await startMesh({ config, repoRoot, dataDir, traces, nats, write, services });
  todoApiUrl = mesh.todoApiUrl;

  // The demo user's public password (services/auth's demo users).
  const accessToken = await login(mesh.authUrl, "alice", "alice-demo-password");
  write("   logged in as alice: every todo-api request carries her bearer token");

  const incident = await replayIncident({ baseUrl: todoApiUrl, accessToken });
  const traceId = (incident.failing?.body as { traceId?: string } | undefined)?.traceId;
  const todoApi = services.find((service) => service.name === "todo-api");
  const logLines =
    traceId && todoApi ? todoApi.logs().filter((line) => line.traceId === traceId) : [];
  const trace = traceId ? await waitForTrace(traceId, traces.queryUrl) : undefined;
  const metrics = await scrapeMetrics(mesh.metricsUrl, [
    "tracemesh_errors_total",
    "http_server_request_duration_count",
  ]);
  const journey = await followFirstTodo(incident, mesh, traces.queryUrl);
  printReport({ incident, logLines, trace, metrics, metricsUrl: mesh.metricsUrl, journey }, write);
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
