import { execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { acceptsConnections, REPO_ROOT } from "@tracemesh/mesh";
import { freePort, pnpmEntry, TEST_HOME, TEST_PATH } from "@tracemesh/testing";
import { expect, test } from "vitest";
import { readReplayPlan } from "./replay-plan.ts";

const SERVICES_UP = "Ctrl-C stops everything";

/**
 * `pnpm demo` as a user runs it: through pnpm, in a process group of its own, as a terminal's
 * foreground job, so that `signal` reaches every process of it as a terminal's Ctrl-C (SIGINT)
 * or its closing (SIGHUP) does.
 */
function startDemo(env: Record<string, string>) {
  const child = spawn(process.execPath, [pnpmEntry(), "demo"], {
    cwd: REPO_ROOT,
    // PATH only, as on a fresh shell (and what pnpm needs): nothing of the test's leaks in.
    env: { PATH: TEST_PATH, HOME: TEST_HOME, ...env },
    detached: true,
  });
  let output = "";
  const readers = new Set<() => void>();
  const read = (chunk: Buffer) => {
    output += chunk.toString("utf8");
    for (const reader of readers) reader();
  };
  child.stdout.on("data", read);
  child.stderr.on("data", read);
  const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
  /** Settles once the output holds `text`; rejects if the demo ends first. */
  const printed = (text: string) =>
    new Promise<void>((resolve, reject) => {
      const reader = () => {
        if (!output.includes(text)) return;
        readers.delete(reader);
        resolve();
      };
      readers.add(reader);
      reader();
      void exited.then((code) => reject(new Error(`pnpm demo ended (${code}) early:\n${output}`)));
    });
  const group = -(child.pid ?? 0);
  return {
    output: () => output,
    printed,
    exited,
    signal: (signal: NodeJS.Signals) => process.kill(group, signal),
    killAll: () => {
      try {
        process.kill(group, "SIGKILL");
      } catch {
        // Ended already.
      }
    },
  };
}

/** The part of the demo's report from section `n` to the next one. */
function section(output: string, n: number): string {
  const start = output.indexOf(`\n${n}. `);
  const end = output.indexOf(`\n${n + 1}. `, start + 1);
  return output.slice(start, end === -1 ? undefined : end);
}

/** The demo's settings: free ports, its own NATS and data directory, alerting required. */
async function demoSettings() {
  const ports = await Promise.all(Array.from({ length: 10 }, freePort));
  const [todoApi, todoApiMetrics, auth, authMetrics, otlp, closed] = ports;
  const [notifier, notifierMetrics, prometheus, alertmanager] = ports.slice(6);
  const dataDir = await mkdtemp(join(tmpdir(), "tracemesh-demo-"));
  const env = {
    TODO_API_PORT: String(todoApi),
    TODO_API_METRICS_PORT: String(todoApiMetrics),
    AUTH_PORT: String(auth),
    AUTH_METRICS_PORT: String(authMetrics),
    NOTIFIER_PORT: String(notifier),
    NOTIFIER_METRICS_PORT: String(notifierMetrics),
    OTLP_PORT: String(otlp),
    PROMETHEUS_PORT: String(prometheus),
    ALERTMANAGER_PORT: String(alertmanager),
    // Its own nats-server: the shared one's JetStream state stays other tests' business.
    DEMO_NATS: "private",
    // A test fails, never skips, without Prometheus and Alertmanager: CI installs them.
    DEMO_ALERTING: "required",
    JAEGER_QUERY_URL: `http://127.0.0.1:${closed}`,
    DEMO_DATA_DIR: dataDir,
  };
  const listening = [todoApi, auth, notifier, prometheus, alertmanager].map((port) => port ?? 0);
  return { env, dataDir, listening };
}

/** The process listening on `port`, as Linux's `ss` tells. */
async function pidListeningOn(port: string): Promise<number> {
  const { stdout } = await promisify(execFile)("ss", ["-ltnpH", `sport = :${port}`]);
  const pid = Number(/pid=(\d+)/.exec(stdout)?.[1]);
  if (!pid) throw new Error(`nothing listens on ${port}: ${stdout}`);
  return pid;
}

/** Which of the mesh's ports still answer: the services', Prometheus', Alertmanager's, NATS'. */
async function stillListening(ports: number[], output: string): Promise<number[]> {
  const nats = Number(output.match(/nats {6}nats:\/\/127\.0\.0\.1:(\d+) \(private/)?.[1]);
  expect(nats, `the private NATS's port, in:\n${output}`).toBeGreaterThan(0);
  const all = [...ports, nats];
  const answers = await Promise.all(all.map((port) => acceptsConnections("127.0.0.1", port)));
  return all.filter((_, i) => answers[i]);
}

test("pnpm demo replays the incident, follows a failing request and a todo, and the alert from firing to resolved; Ctrl-C stops everything", async () => {
  const { env, dataDir, listening } = await demoSettings();
  const demo = startDemo(env);
  try {
    await demo.printed(SERVICES_UP);
    const { exampleTraceId } = checkReport(demo.output());
    await checkAlertDeliveries(dataDir, exampleTraceId, {
      prometheus: `http://127.0.0.1:${env.PROMETHEUS_PORT}`,
      alertmanager: `http://127.0.0.1:${env.ALERTMANAGER_PORT}`,
    });
    // Its sink is not on 4318, where `pnpm trace` looks by default: the hint says where it is.
    expect(demo.output()).toContain(
      `Follow it yourself:  TRACE_QUERY_URL=http://127.0.0.1:${env.OTLP_PORT} pnpm trace `,
    );
    // The alerts page it points at opens, new web UI or classic (Debian's package has no other).
    const alertsPage = demo.output().match(/Alerts: +(\S+)/)?.[1];
    expect(alertsPage, demo.output()).toBeDefined();
    expect((await fetch(alertsPage as string)).status).toBe(200);

    demo.signal("SIGINT");

    const code = await demo.exited;
    expect(code, demo.output()).toBe(0);
    // pnpm's "Command failed" when its child dies of the signal instead of stopping.
    expect(demo.output()).not.toContain("ELIFECYCLE");
    expect(await stillListening(listening, demo.output())).toEqual([]);
  } finally {
    demo.killAll();
  }
}, 300_000);

test("closing the terminal during the replay (SIGHUP) stops everything, Prometheus and Alertmanager too", async () => {
  const { env, listening } = await demoSettings();
  const demo = startDemo(env);
  try {
    // The mesh's last line: Prometheus and Alertmanager are up, the replay begins.
    await demo.printed("   alertmanager http://");

    // A closed terminal's SIGHUP reaches every process of the group, in no set order. auth
    // first: the demo's login then fails before its own handler runs, and that is no failure.
    process.kill(await pidListeningOn(env.AUTH_PORT), "SIGHUP");
    await sleep(30);
    demo.signal("SIGHUP");

    await demo.exited;
    expect(await stillListening(listening, demo.output()), demo.output()).toEqual([]);
    expect(demo.output()).not.toContain("demo failed");
  } finally {
    demo.killAll();
  }
}, 120_000);

test("with a service's port taken, as by a demo still running, pnpm demo refuses and leaves the data directory alone", async () => {
  const { env, dataDir } = await demoSettings();
  // What the running demo has written there: a second one must not empty it under it.
  const runningLog = join(dataDir, "logs/todo-api.log");
  await mkdir(join(dataDir, "logs"), { recursive: true });
  await writeFile(runningLog, "the running demo's log\n");
  const running = createServer().listen(Number(env.TODO_API_PORT), "127.0.0.1");
  await once(running, "listening");
  const demo = startDemo(env);
  try {
    expect(await demo.exited, demo.output()).toBe(1);
    expect(demo.output()).toContain(
      `demo failed to start: port ${env.TODO_API_PORT} (todo-api) in use: another pnpm demo`,
    );
    expect(demo.output()).not.toContain("auth      http://");
    expect(await readFile(runningLog, "utf8")).toBe("the running demo's log\n");
  } finally {
    demo.killAll();
    running.close();
  }
}, 60_000);

/** The report, section by section; returns the alert's example trace. */
function checkReport(output: string): { exampleTraceId: string | undefined } {
  const plan = readReplayPlan();
  const burst = plan.phases.find((phase) => phase.errorsPerSecond > 0);
  // 1: the replay of load/replay.json, phase by phase; with alice's token no 4xx at all.
  const replay = section(output, 1);
  const burstErrors = (burst?.seconds ?? 0) * (burst?.errorsPerSecond ?? 0);
  expect(replay).toMatch(new RegExp(`burst .* 5xx: ${burstErrors} `));
  expect(replay).toMatch(/baseline .*requests {3}2xx: \d+ {3}5xx rate 0%/);
  expect(replay).not.toContain("4xx");
  expect(output).toContain("logged in as alice");

  // 2 to 5: one failing request through its body, log line, trace and metrics.
  const traceId = output.match(/"traceId": "([0-9a-f]{32})"/)?.[1];
  expect(traceId, output).toBeDefined();
  expect(output).toContain(`traceresponse: 00-${traceId}-`);
  expect(output).toMatch(
    new RegExp(`"event":"http.request","traceId":"${traceId}".*"stack":"RangeError`),
  );
  expect(section(output, 4)).toMatch(new RegExp(`trace ${traceId} · \\d+ spans? · 1 service · `));
  expect(section(output, 4)).toContain("todo-api: GET /error [server] ERROR");
  expect(section(output, 5)).toMatch(
    new RegExp(`tracemesh_errors_total\\{error_code="INTERNAL_ERROR",[^}]*\\} ${burstErrors}`),
  );
  // The failures only: the answers the alert's ratio counts as 5xx, no 2xx count.
  expect(section(output, 5)).toMatch(
    new RegExp(
      `http_server_request_duration_count\\{[^}]*status_code="500"[^}]*\\} ${burstErrors}`,
    ),
  );
  expect(section(output, 5)).not.toMatch(/status_code="2/);
  expect(output).toContain(`pnpm trace ${traceId}`);

  // 6: the first todo, from its POST through NATS to the notifier's delivery, one trace.
  expect(output).toMatch(/nats {6}nats:\/\/127\.0\.0\.1:\d+ \(private /);
  const journey = section(output, 6);
  expect(journey, output).toContain("POST /v1/todos: HTTP 201");
  const todoTraceId = journey.match(/traceresponse: 00-([0-9a-f]{32})-/)?.[1];
  expect(todoTraceId, output).toBeDefined();
  expect(journey).toMatch(
    new RegExp(`"service":"notifier","event":"notification.delivered","traceId":"${todoTraceId}"`),
  );
  expect(journey).toMatch(new RegExp(`trace ${todoTraceId} · \\d+ spans · 3 services`));
  expect(journey).toContain("todo-api: send todo.events.created [producer]");
  expect(journey).toContain("notifier: process todo.events.created [consumer]");
  expect(journey).toContain("auth: GET /v1/users/:id [server]");

  // 7: the incident alert fires within its budget, reaches the notifier with an example
  // failing trace that the trace backend has, and resolves after the burst.
  const alert = section(output, 7);
  expect(alert).toContain('HttpErrorRatioHigh{service="todo-api"} pending in Prometheus');
  const firedAfter = Number(alert.match(/\+(\d+\.\d) s +firing/)?.[1]);
  expect(firedAfter, alert).toBeLessThanOrEqual(plan.alert.firesWithinSeconds);
  expect(alert).not.toContain("LATE");
  expect(alert).toContain(
    'delivered by the notifier: "todo-api answers 5xx to more than 5 % of requests"',
  );
  expect(alert).toContain("runbook docs/runbooks/http-error-ratio-high.md");
  const exampleTraceId = alert.match(/example trace http:\/\/\S+\/trace\/([0-9a-f]{32})/)?.[1];
  expect(exampleTraceId, alert).toBeDefined();
  // Drawn from the trace backend: a GET /error that answered 500.
  expect(alert).toMatch(new RegExp(`trace ${exampleTraceId} · `));
  expect(alert).toMatch(/todo-api: GET \/error \[server\] ERROR .*http\.response\.status_code=500/);
  expect(alert).toMatch(/\+\d+\.\d s +the resolved notification delivered/);
  return { exampleTraceId };
}

/** The notifier's own log lines of the alert's deliveries name the same example trace. */
async function checkAlertDeliveries(
  dataDir: string,
  exampleTraceId: string | undefined,
  urls: { prometheus: string; alertmanager: string },
) {
  const notifierLog = await readFile(join(dataDir, "logs/notifier.log"), "utf8");
  const deliveries = notifierLog
    .split("\n")
    .filter((line) => line.includes('"event":"notification.delivered"'))
    .map((line) => JSON.parse(line) as { notification: Record<string, unknown> })
    .map(({ notification }) => notification)
    .filter(
      (n) =>
        n.kind === "alert" &&
        (n.labels as Record<string, string>).alertname === "HttpErrorRatioHigh",
    );
  expect(deliveries.map((n) => n.status)).toEqual(["firing", "resolved"]);
  expect(deliveries[0]).toMatchObject({
    labels: { service: "todo-api", severity: "page" },
    exampleTrace: { traceId: exampleTraceId },
  });
  // Links that open where Prometheus and Alertmanager listen, not at the machine's name.
  expect(String(deliveries[0]?.generatorURL)).toMatch(new RegExp(`^${urls.prometheus}/`));
  expect(deliveries[0]?.externalURL).toBe(urls.alertmanager);
}
