import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, TEST_PATH } from "@tracemesh/testing";
import {
  type AlertmanagerServer,
  findAlertmanager,
  startAlertmanager,
} from "./alertmanager-server.ts";
import { findPrometheus, type PrometheusServer, startPrometheus } from "./prometheus-server.ts";
import { type Mesh, type MeshOptions, type MeshPorts, startMesh } from "./start-mesh.ts";

/** Free ports for every part of a mesh: tests run in parallel, and beside a running demo. */
export async function freeMeshPorts(): Promise<MeshPorts> {
  const [todoApi, todoApiMetrics, auth, authMetrics, notifier, notifierMetrics, otlp] =
    await Promise.all(Array.from({ length: 7 }, freePort));
  const [prometheus, alertmanager] = await Promise.all([freePort(), freePort()]);
  return {
    todoApi: todoApi ?? 0,
    todoApiMetrics: todoApiMetrics ?? 0,
    auth: auth ?? 0,
    authMetrics: authMetrics ?? 0,
    notifier: notifier ?? 0,
    notifierMetrics: notifierMetrics ?? 0,
    otlp: otlp ?? 0,
    prometheus,
    alertmanager,
  };
}

/**
 * A whole mesh of its own for an end-to-end test: free ports, a temporary folder, a private
 * nats-server, the local OTLP sink (no Jaeger looked for), fresh secrets, and Prometheus and
 * Alertmanager required: a test fails, never skips, without them.
 */
export async function startTestMesh(overrides: Partial<MeshOptions> = {}): Promise<Mesh> {
  const secret = () => randomBytes(24).toString("hex");
  return startMesh({
    ports: await freeMeshPorts(),
    dataDir: await mkdtemp(join(tmpdir(), "tracemesh-mesh-")),
    natsUrl: "nats://127.0.0.1:4222",
    natsMode: "private",
    jaegerQueryUrl: `http://127.0.0.1:${await freePort()}`,
    searchPath: TEST_PATH,
    inheritedEnv: { PATH: TEST_PATH },
    secrets: { chaosToken: secret(), serviceToken: secret(), alertsToken: secret() },
    alerting: "required",
    ...overrides,
  });
}

/**
 * A second Prometheus scraping the same mesh, without some rule files: to prove that a verdict
 * which needs an alert fails when the rule is not there. It sends to no Alertmanager.
 */
export async function startPrometheusWithout(
  mesh: Mesh,
  withoutRules: string[],
): Promise<PrometheusServer> {
  const binary = findPrometheus(TEST_PATH);
  if (!binary) throw new Error("prometheus is not installed");
  return startPrometheus({
    binary,
    dataDir: await mkdtemp(join(mesh.dataDir, "prometheus-without-")),
    port: await freePort(),
    targets: mesh.scrapeTargets.filter((target) => target.role === "service"),
    withoutRules,
  });
}

/**
 * The machine's Alertmanager alone, on the repository's config, for a test that posts alerts to
 * it. Its notifier address answers nothing: notifications fail, and what it holds back does not
 * depend on them. A test fails, never skips, without it.
 */
export async function startTestAlertmanager(): Promise<AlertmanagerServer> {
  const binary = findAlertmanager(TEST_PATH);
  if (!binary) {
    throw new Error(
      "alertmanager is not installed (Debian: apt-get install prometheus-alertmanager)",
    );
  }
  const dataDir = await mkdtemp(join(tmpdir(), "tracemesh-alertmanager-"));
  const removeDataDir = () => rm(dataDir, { recursive: true, force: true });
  const server = await startAlertmanager({
    binary,
    dataDir,
    port: await freePort(),
    notifierUrl: `http://127.0.0.1:${await freePort()}`,
    alertsToken: randomBytes(24).toString("hex"),
  }).catch(async (error: unknown) => {
    await removeDataDir();
    throw error;
  });
  return {
    ...server,
    async stop() {
      await server.stop();
      await removeDataDir();
    },
  };
}
