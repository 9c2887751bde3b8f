import { spawn } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, TEST_PATH } from "@tracemesh/testing";
import { expect, test } from "vitest";

function runDemo(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [join(import.meta.dirname, "main.ts"), "--once"], {
    // PATH only, as on a fresh shell: nothing of the test runner's environment leaks in.
    env: { PATH: TEST_PATH, ...env },
  });
  let output = "";
  child.stdout.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr.on("data", (chunk) => {
    output += chunk;
  });
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, output })));
}

test("pnpm demo follows a failing request through body, log, trace and metrics, and a todo across NATS", async () => {
  const ports = await Promise.all(Array.from({ length: 8 }, freePort));
  const [todoApiPort, metricsPort, authPort, authMetricsPort, otlpPort, closedPort] = ports;
  const [notifierPort, notifierMetricsPort] = ports.slice(6);
  const { code, output } = await runDemo({
    TODO_API_PORT: String(todoApiPort),
    TODO_API_METRICS_PORT: String(metricsPort),
    AUTH_PORT: String(authPort),
    AUTH_METRICS_PORT: String(authMetricsPort),
    NOTIFIER_PORT: String(notifierPort),
    NOTIFIER_METRICS_PORT: String(notifierMetricsPort),
    OTLP_PORT: String(otlpPort),
    // Its own nats-server: the shared one's JetStream state stays other tests' business.
    DEMO_NATS: "private",
    JAEGER_QUERY_URL: `http://127.0.0.1:${closedPort}`,
    DEMO_DATA_DIR: await mkdtemp(join(tmpdir(), "tracemesh-demo-")),
  });

  expect(code, output).toBe(0);
  expect(output).toContain("5xx: 10");
  // With alice's token every /v1 request got through auth: no 401s among them.
  expect(output).toContain("logged in as alice");
  expect(output).toMatch(/2xx: 1[0-9]/);
  expect(output).not.toContain("4xx:");
  const traceId = output.match(/"traceId": "([0-9a-f]{32})"/)?.[1];
  expect(traceId, output).toBeDefined();
  expect(output).toContain(`traceresponse: 00-${traceId}-`);
  expect(output).toMatch(
    new RegExp(`"event":"http.request","traceId":"${traceId}".*"stack":"RangeError`),
  );
  expect(output).toMatch(new RegExp(`trace ${traceId} · \\d+ spans`));
  expect(output).toContain("todo-api: GET /error [server] ERROR");
  expect(output).toMatch(/tracemesh_errors_total\{error_code="INTERNAL_ERROR",[^}]*\} 10/);
  expect(output).toContain(`pnpm trace ${traceId}`);

  // 6: the first todo, from its POST through NATS to the notifier's delivery, one trace.
  expect(output).toMatch(/nats {6}nats:\/\/127\.0\.0\.1:\d+ \(private /);
  const journey = output.slice(output.indexOf("6. A todo's journey across the queue:"));
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
}, 120_000);
