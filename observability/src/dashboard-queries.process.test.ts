import { login, readReplayPlan, replayIncident } from "@tracemesh/demo";
import type { Mesh } from "@tracemesh/mesh";
import { startTestMesh } from "@tracemesh/mesh/testing";
import { waitFor } from "@tracemesh/testing";
import { afterAll, beforeAll, expect, test } from "vitest";
import { readCommittedDashboards } from "./dashboards/committed-dashboards.ts";
import { publishTodoCreated, sendRequests, setAuthChaos } from "./mesh-traffic.ts";
import { coverageChecks, coverageFailures } from "./query-coverage.ts";
import { readRuleExpressions } from "./rule-expressions.ts";

// The dashboards and the rules against the real thing: one mesh (the services as processes, a
// private nats-server, the machine's Prometheus on observability/'s configs), a short replay of
// every kind of traffic they chart, then every panel's query, every annotation and every rule
// run over that window. A name or a label that the services do not export fails here.

const plan = readReplayPlan();
let mesh: Mesh;
let accessToken: string;

beforeAll(async () => {
  mesh = await startTestMesh();
  accessToken = await login(mesh.urls.auth, "alice", "alice-demo-password");
}, 120_000);
afterAll(() => mesh?.stop());

/** Ordinary CRUD by alice at the replay's rate, with `errorsPerSecond` GET /error on top. */
function replay(seconds: number, errorsPerSecond = 0) {
  return replayIncident({
    baseUrl: mesh.urls["todo-api"],
    accessToken,
    plan: { ...plan, phases: [{ name: "phase", seconds, errorsPerSecond }] },
  });
}

test("every panel, annotation and rule has data after a replay of each kind of traffic", async () => {
  const checks = coverageChecks(
    readCommittedDashboards().map(({ dashboard }) => dashboard),
    await readRuleExpressions(),
  );
  const start = Date.now();
  // CRUD (its list reads are the decisions degraded reads fall back on later), a burst of
  // GET /error, and requests without a token for the 4xx series.
  await replay(3);
  const [, unauthenticated] = await Promise.all([replay(4, 5), sendRequests(mesh, 3, "/v1/todos")]);
  expect(unauthenticated).toEqual([401, 401, 401]);
  // The queue hop: the todos created went to the notifier; data that is not a todo is
  // dead-lettered at its first delivery.
  await publishTodoCreated(mesh, "not a todo");

  try {
    // auth failing: its 500s are retried until todo-api's breaker opens.
    await setAuthChaos(mesh, { errorRate: 1, errorStatus: 500, ttlSeconds: 60 });
    await replay(2);
    // auth down: writes answer 503, reads fall back on recent decisions, and the notifier
    // cannot look up an owner, so it redelivers: after auth's Retry-After, the fault's TTL,
    // which is short for that to come within the test.
    await setAuthChaos(mesh, { unavailable: true, ttlSeconds: 10 });
    await publishTodoCreated(mesh, { ownerId: "queries-test-owner", title: "never notified" });
    const bearer = { authorization: `Bearer ${accessToken}` };
    const [, reads] = await Promise.all([
      replay(4),
      sendRequests(mesh, 5, "/v1/todos?limit=10", bearer),
    ]);
    expect(reads).toEqual([200, 200, 200, 200, 200]);
  } finally {
    await setAuthChaos(mesh);
  }
  await replay(2);

  const prometheusUrl = mesh.prometheus?.url ?? "";
  let failures: string[] = [];
  // Until the last scrapes and evaluations are in (the alerts' `for` included), or it is clear
  // some never will be: then every query still failing is reported, not just the first.
  await waitFor(
    async () => {
      failures = await coverageFailures(prometheusUrl, checks, { start, end: Date.now() });
      return failures.length === 0;
    },
    "every query to have data",
    45_000,
    2_000,
  ).catch(() => {});
  expect(failures).toEqual([]);
}, 120_000);
