import { rm } from "node:fs/promises";
import { resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { configOrExit } from "@tracemesh/config";
import {
  assertServicePortsFree,
  INTERRUPTED_EXIT_CODE,
  type Mesh,
  REPO_ROOT,
  readDemoSecrets,
  startMesh,
  stopOnSignals,
} from "@tracemesh/mesh";
import { fetchTrace, type TraceSpan } from "@tracemesh/trace-query";
import { loadConfig } from "./config.ts";
import { login } from "./login.ts";
import {
  type AlertReport,
  printAlertFiring,
  printAlertResolution,
} from "./print-alert-lifecycle.ts";
import type { JourneyReport } from "./print-journey.ts";
import { printReport } from "./print-report.ts";
import { type IncidentResult, replayIncident } from "./replay-incident.ts";
import { readReplayPlan } from "./replay-plan.ts";
import { scrapeMetrics } from "./scrape-metrics.ts";
import { followTodo } from "./todo-journey.ts";
import { traceCommand } from "./trace-command.ts";
import { type AlertWatch, watchAlert } from "./watch-alert.ts";

const config = configOrExit("demo", () => loadConfig());
const plan = readReplayPlan();
const dataDir = resolve(REPO_ROOT, config.DEMO_DATA_DIR);
const write = (text: string) => process.stdout.write(`${text}\n`);
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
// The alert resolves once the burst has left the rule's 1 m window and keep_firing_for's 30 s
// have passed, then Alertmanager's next group interval sends it: about 100 s after the burst.
const RESOLVE_WAIT_MS = 180_000;

async function followFirstTodo(incident: IncidentResult, mesh: Mesh): Promise<JourneyReport> {
  const created = incident.responses.find((r) => r.method === "POST" && r.status === 201);
  const notifier = mesh.services.notifier;
  if (!notifier) return { skipped: `no NATS: ${mesh.nats.description}` };
  if (!created) return { skipped: "no todo was created" };
  const journey = await followTodo({ created, notifier, queryUrl: mesh.traces.queryUrl });
  if (!journey) return { skipped: "the POST /v1/todos response had no traceresponse header" };
  return { journey, notifierLogFile: resolve(dataDir, "logs/notifier.log") };
}

async function waitForTrace(traceId: string, queryUrl: string): Promise<TraceSpan[] | undefined> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const spans = await fetchTrace(traceId, { baseUrl: queryUrl }).catch(() => undefined);
    if (spans && spans.length > 0) return spans;
    await new Promise((r) => setTimeout(r, 500));
  }
  return undefined;
}

/** Watches the plan's alert from the burst on, when Prometheus runs. */
function watchTheAlert(mesh: Mesh, burstStartedAt: number): AlertWatch | undefined {
  const notifier = mesh.services.notifier;
  if (!mesh.prometheus || !notifier) return undefined;
  return watchAlert({
    prometheusUrl: mesh.prometheus.url,
    notifier,
    alert: plan.alert,
    burstStartedAt,
  });
}

async function alertReport(mesh: Mesh, watch: AlertWatch | undefined): Promise<AlertReport> {
  if (!watch || !mesh.prometheus || !mesh.alertmanager) {
    return { skipped: `no Prometheus and Alertmanager: ${mesh.alertingNote}` };
  }
  // Firing within the plan's budget, then Alertmanager's group_wait before the notification.
  const timeline = await watch.until(
    (t) => t.firing !== undefined,
    (plan.alert.firesWithinSeconds + 30) * 1000,
  );
  const exampleTraceId = timeline.firing?.exampleTrace?.traceId;
  return {
    timeline,
    exampleTrace: exampleTraceId
      ? await waitForTrace(exampleTraceId, mesh.traces.queryUrl)
      : undefined,
    prometheusAlertsUrl: mesh.prometheus.alertsPageUrl,
    alertmanagerUrl: mesh.alertmanager.url,
    firesWithinSeconds: plan.alert.firesWithinSeconds,
  };
}

async function run(mesh: Mesh): Promise<void> {
  // The demo user's public password (services/auth's demo users).
  const accessToken = await login(mesh.urls.auth, "alice", "alice-demo-password");
  write("   logged in as alice: every todo-api request carries her bearer token\n");

  let watch: AlertWatch | undefined;
  const incident = await replayIncident({
    baseUrl: mesh.urls["todo-api"],
    accessToken,
    plan,
    onPhase(phase) {
      const errors = phase.errorsPerSecond > 0 ? ` + GET /error at ${phase.errorsPerSecond}/s` : "";
      write(
        `   ${phase.name.padEnd(9)} ${phase.seconds} s: CRUD at ${plan.crud.requestsPerSecond}/s${errors}`,
      );
      if (phase.errorsPerSecond > 0) watch ??= watchTheAlert(mesh, Date.now());
    },
  });
  const traceId = (incident.failing?.body as { traceId?: string } | undefined)?.traceId;
  const todoApi = mesh.services["todo-api"];
  const logLines =
    traceId && todoApi ? todoApi.logs().filter((line) => line.traceId === traceId) : [];
  const trace = traceId ? await waitForTrace(traceId, mesh.traces.queryUrl) : undefined;
  // The failures only: the errors by code, and the 5xx answers the alert's ratio counts.
  const metrics = (
    await scrapeMetrics(mesh.metricsUrls["todo-api"], [
      "tracemesh_errors_total",
      "http_server_request_duration_count",
    ])
  ).filter(
    (sample) =>
      sample.startsWith("tracemesh_errors_total") ||
      sample.includes('http_response_status_code="5'),
  );
  const journey = await followFirstTodo(incident, mesh);
  printReport(
    {
      incident,
      traceId,
      logLines,
      trace,
      metrics,
      metricsUrl: mesh.metricsUrls["todo-api"],
      journey,
      traceQueryUrl: mesh.traces.queryUrl,
    },
    write,
  );

  const report = await alertReport(mesh, watch);
  if (printAlertFiring(report, write) && watch) {
    write(
      "   … waiting for it to resolve: the burst must leave the rule's 1 m window, then 30 s of keep_firing_for",
    );
    const timeline = await watch.until((t) => t.resolved !== undefined, RESOLVE_WAIT_MS);
    printAlertResolution(timeline, write);
  }
  watch?.stop();
  // With --once all of it stops after this report, but a Jaeger of the user's own.
  if (!config.once || mesh.traces.outlivesMesh) {
    write(`\nFollow it yourself:  ${traceCommand(traceId ?? "<traceId>", mesh.traces.queryUrl)}`);
  }
  if (!config.once && mesh.prometheus && mesh.alertmanager) {
    write(`Alerts:              ${mesh.prometheus.alertsPageUrl}   ${mesh.alertmanager.url}`);
  }
}

write(
  "tracemesh demo: starting auth, todo-api and the notifier with telemetry, NATS, Prometheus and Alertmanager, then replaying the /error incident\n",
);
// Before emptying the data directory: another demo's services may be using it.
await assertServicePortsFree(config.ports).catch((error: unknown) => {
  write(`demo failed to start: ${messageOf(error)}`);
  process.exit(1);
});
await rm(dataDir, { recursive: true, force: true });
// A signal (Ctrl-C, a closed terminal, a stop) stops the mesh and then the demo, whenever it comes:
// Prometheus and Alertmanager take a closed terminal's SIGHUP for a reload, and would outlive
// the demo. During start-up the mesh is stopped once startMesh is done, or has stopped what it
// started. An interrupted replay exits with INTERRUPTED_EXIT_CODE, as a shell reports a Ctrl-C.
let mesh: Mesh | undefined;
let interrupted = false;
let replayed = false;
let stopping: Promise<never> | undefined;
const stopAndExit = (running: Mesh, code: number) => {
  stopping ??= running.stop().then(() => process.exit(code));
  return stopping;
};
stopOnSignals(() => {
  interrupted = true;
  if (mesh) void stopAndExit(mesh, replayed ? 0 : INTERRUPTED_EXIT_CODE);
});

// A closed terminal's SIGHUP reaches the services as well, and a socket of theirs can close
// before this process has run its own handler: a failure is news only if no signal follows.
const SIGNAL_GRACE_MS = 250;
async function signalled(): Promise<boolean> {
  if (!interrupted) await sleep(SIGNAL_GRACE_MS);
  return interrupted;
}

try {
  mesh = await startMesh({
    ports: config.ports,
    dataDir,
    natsUrl: config.NATS_URL,
    natsMode: config.DEMO_NATS,
    jaegerQueryUrl: config.JAEGER_QUERY_URL,
    searchPath: config.PATH,
    inheritedEnv: config.inheritedEnv,
    secrets: readDemoSecrets(),
    alerting: config.DEMO_ALERTING,
    write,
  });
} catch (error) {
  // Interrupted, the services fail to start because the signal reached them too: no news.
  if (!(await signalled())) {
    write(`\ndemo failed to start: ${messageOf(error)}`);
  }
  process.exit(interrupted ? INTERRUPTED_EXIT_CODE : 1);
}
if (interrupted) await stopAndExit(mesh, INTERRUPTED_EXIT_CODE);

try {
  await run(mesh);
  replayed = true;
} catch (error) {
  // With a signal's stop under way, the replay failing is its doing, not news.
  if (!(await signalled())) {
    write(`\ndemo failed: ${messageOf(error)}`);
  }
  await stopAndExit(mesh, interrupted ? INTERRUPTED_EXIT_CODE : 1);
}

if (config.once) {
  await stopAndExit(mesh, 0);
} else if (stopping === undefined) {
  write(
    `\nThe services keep running: try  curl -i ${mesh.urls["todo-api"]}/error   (Ctrl-C stops everything)`,
  );
}
