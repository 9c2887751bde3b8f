import { login, readReplayPlan, replayIncident } from "@tracemesh/demo";
import type { Mesh } from "@tracemesh/mesh";
import { startTestMesh } from "@tracemesh/mesh/testing";
import { waitFor } from "@tracemesh/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  alertmanagerAlerts,
  deliveredAlerts,
  hasLabels,
  prometheusAlerts,
  promQuery,
} from "./alerting-apis.ts";
import { setAuthChaos } from "./mesh-traffic.ts";

// The real thing at demo timings: auth, todo-api and the notifier as processes, a private
// nats-server, the machine's Prometheus and Alertmanager on observability/'s configs. The /error
// burst itself is tools/demo's process test, which replays it through `pnpm demo`.

const plan = readReplayPlan();
const replaySeconds = plan.phases.reduce((sum, phase) => sum + phase.seconds, 0);
let mesh: Mesh;
let accessToken: string;

beforeAll(async () => {
  mesh = await startTestMesh();
  accessToken = await login(mesh.urls.auth, "alice", "alice-demo-password");
}, 120_000);
afterAll(() => mesh?.stop());

/** Ordinary CRUD at the replay's rate, with no burst, until `seconds` pass or `signal` aborts. */
function crudTraffic(seconds: number, signal?: AbortSignal) {
  return replayIncident({
    baseUrl: mesh.urls["todo-api"],
    accessToken,
    plan: { ...plan, phases: [{ name: "crud", seconds, errorsPerSecond: 0 }] },
    signal,
  });
}

describe("alerting end to end, Prometheus → Alertmanager → notifier", () => {
  test("a quiet baseline of ordinary traffic, as long as the incident replay, fires nothing", async () => {
    const seen = new Set<string>();
    const traffic = crudTraffic(replaySeconds);
    let done = false;
    void traffic.finally(() => {
      done = true;
    });
    await waitFor(
      async () => {
        for (const alert of await prometheusAlerts(mesh)) {
          seen.add(`${alert.labels.alertname}{service="${alert.labels.service}"} ${alert.state}`);
        }
        return done;
      },
      "the quiet baseline",
      (replaySeconds + 10) * 1000,
      1000,
    );
    const { responses } = await traffic;
    expect(responses.length).toBeGreaterThan(replaySeconds * plan.crud.requestsPerSecond * 0.9);
    expect(responses.filter((r) => r.status >= 400)).toEqual([]);

    // Prometheus did watch: every target up, and the incident rule saw the traffic.
    const up = await promQuery(mesh, "up");
    expect(up.map((s) => `${s.metric.service}=${s.value[1]}`).sort()).toEqual([
      "alertmanager=1",
      "auth=1",
      "notifier=1",
      "prometheus=1",
      "todo-api=1",
    ]);
    const [rate] = await promQuery(mesh, 'service:http_server_requests:rate1m{service="todo-api"}');
    expect(Number(rate?.value[1])).toBeGreaterThan(1);

    expect([...seen]).toEqual([]);
    expect(deliveredAlerts(mesh)).toEqual([]);
  }, 120_000);

  test("auth unavailable: the dependency alert pages naming auth, and todo-api's error-ratio page is inhibited to its end", async () => {
    await setAuthChaos(mesh, { unavailable: true, ttlSeconds: 180 });
    const stop = new AbortController();
    const traffic = crudTraffic(300, stop.signal);
    try {
      const dependencyAlert = {
        alertname: "DependencyUnavailable",
        service: "todo-api",
        dependency: "auth",
      };
      const incidentAlert = { alertname: "HttpErrorRatioHigh", service: "todo-api" };

      await waitFor(
        async () =>
          (await prometheusAlerts(mesh)).some(
            (a) => a.state === "firing" && hasLabels(a.labels, dependencyAlert),
          ),
        "DependencyUnavailable firing in Prometheus",
        60_000,
        500,
      );
      await waitFor(
        () =>
          deliveredAlerts(mesh).some(
            (a) => a.status === "firing" && hasLabels(a.labels, dependencyAlert),
          ),
        "the notifier delivering DependencyUnavailable",
        45_000,
        200,
      );
      const [paged] = deliveredAlerts(mesh).filter((a) => hasLabels(a.labels, dependencyAlert));
      expect(paged?.labels).toMatchObject({ severity: "page" });
      // Its example is one of todo-api's 503s: a request that failed because auth did.
      expect(paged?.exampleTrace?.traceId).toMatch(/^[0-9a-f]{32}$/);

      // The error ratio fires too, in Prometheus; Alertmanager holds it back.
      await waitFor(
        async () =>
          (await alertmanagerAlerts(mesh)).some(
            (a) =>
              hasLabels(a.labels, incidentAlert) &&
              a.status.state === "suppressed" &&
              a.status.inhibitedBy.length > 0,
          ),
        "HttpErrorRatioHigh{todo-api} inhibited in Alertmanager",
        60_000,
        500,
      );
      // For a group wait and a group interval (5 s + 10 s), it stays held back and unsent.
      const watchUntil = Date.now() + 15_000;
      await waitFor(
        async () => {
          const held = (await alertmanagerAlerts(mesh)).find((a) =>
            hasLabels(a.labels, incidentAlert),
          );
          expect(held?.status.state).toBe("suppressed");
          expect(deliveredAlerts(mesh).filter((a) => hasLabels(a.labels, incidentAlert))).toEqual(
            [],
          );
          return Date.now() > watchUntil;
        },
        "the inhibition to hold",
        30_000,
        1000,
      );

      // auth is back. The 503s stay in the ratio's 1 m window, and it fires 30 s more: its
      // inhibitor must still fire when it resolves, or it is paged for an outage that is over.
      await setAuthChaos(mesh);
      await waitFor(
        async () => {
          expect(deliveredAlerts(mesh).filter((a) => hasLabels(a.labels, incidentAlert))).toEqual(
            [],
          );
          const firing = (await prometheusAlerts(mesh)).filter((a) => a.state === "firing");
          if (firing.some((a) => hasLabels(a.labels, incidentAlert))) return false;
          expect(firing.filter((a) => hasLabels(a.labels, dependencyAlert))).toHaveLength(1);
          return true;
        },
        "HttpErrorRatioHigh{todo-api} to resolve once auth is back",
        150_000,
        1000,
      );
    } finally {
      stop.abort();
      await traffic;
      await setAuthChaos(mesh);
    }
  }, 360_000);
});
