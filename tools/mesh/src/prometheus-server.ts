import { mkdir, readdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { answersOk, startBackgroundProgram } from "./background-program.ts";
import { findProgram } from "./find-program.ts";
import { OBSERVABILITY_DIR } from "./repo-paths.ts";

/** What Prometheus scrapes: a service's metrics port, Alertmanager, or itself. */
export interface ScrapeTarget {
  /** Which job scrapes it (the `__tracemesh_role` of observability/prometheus/prometheus.yml). */
  role: "service" | "alertmanager" | "prometheus";
  /** The `service` label of every series and alert it gives. */
  service: string;
  /** host:port */
  address: string;
}

export interface StartPrometheusOptions {
  /** The prometheus binary (findPrometheus). */
  binary: string;
  /** Its config links, target file, TSDB and log go here. */
  dataDir: string;
  port: number;
  targets: ScrapeTarget[];
  /** Rule files of observability/prometheus/rules left out, e.g. to prove a verdict can fail. */
  withoutRules?: string[];
}

export interface PrometheusServer {
  url: string;
  /**
   * Its alerts page: `/alerts`, or `/classic/alerts` where there is no other (Debian's package
   * leaves the new web UI out, and answers 404 at `/alerts`).
   */
  alertsPageUrl: string;
  logFile: string;
  stop(): Promise<void>;
}

const PROMETHEUS_DIR = join(OBSERVABILITY_DIR, "prometheus");

/**
 * The file_sd target file of a local run, in the shape of targets/compose.yml: 127.0.0.1
 * addresses where compose has service names.
 */
/** The machine's prometheus binary in `searchPath` (a PATH) or the system's folders. */
export function findPrometheus(searchPath: string): string | undefined {
  return findProgram(["prometheus"], searchPath);
}

export function localTargetFile(targets: ScrapeTarget[]): string {
  const groups = targets.map(({ role, service, address }) => ({
    targets: [address],
    labels: { __tracemesh_role: role, service },
  }));
  // JSON is YAML: Prometheus reads it as the .yml the config's glob asks for.
  return `${JSON.stringify(groups, null, 2)}\n`;
}

/**
 * Lays out a local run's config in `dataDir`: links to the repository's config and rules,
 * unchanged, next to a target file of local addresses. Prometheus resolves the config's relative
 * paths (`rules/`, `targets/`) from where the config was given to it. Returns the config's path.
 */
export async function prepareLocalConfig(
  options: Pick<StartPrometheusOptions, "dataDir" | "targets" | "withoutRules">,
): Promise<string> {
  const { dataDir, targets, withoutRules = [] } = options;
  await mkdir(join(dataDir, "rules"), { recursive: true });
  await mkdir(join(dataDir, "targets"), { recursive: true });
  const config = join(dataDir, "prometheus.yml");
  await symlink(join(PROMETHEUS_DIR, "prometheus.yml"), config);
  for (const file of await readdir(join(PROMETHEUS_DIR, "rules"))) {
    if (withoutRules.includes(file)) continue;
    await symlink(join(PROMETHEUS_DIR, "rules", file), join(dataDir, "rules", file));
  }
  await writeFile(join(dataDir, "targets/local.yml"), localTargetFile(targets));
  return config;
}

/** Runs the machine's Prometheus on the repository's own config and rules (prepareLocalConfig). */
export async function startPrometheus(options: StartPrometheusOptions): Promise<PrometheusServer> {
  const { binary, dataDir, port } = options;
  const config = await prepareLocalConfig(options);
  const url = `http://127.0.0.1:${port}`;
  const server = await startBackgroundProgram({
    name: "prometheus",
    binary,
    args: [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(dataDir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // The alerts' links (generatorURL) open where it listens, not at the host's name.
      `--web.external-url=${url}`,
    ],
    logFile: join(dataDir, "prometheus.log"),
    isReady: () => answersOk(`${url}/-/ready`),
  });
  // Only a 404 says there is no such page: Prometheus 3 has no classic one to fall back to.
  const alertsStatus = await fetch(`${url}/alerts`, { signal: AbortSignal.timeout(5000) }).then(
    (response) => response.status,
    () => undefined,
  );
  const alertsPageUrl = alertsStatus === 404 ? `${url}/classic/alerts` : `${url}/alerts`;
  return { url, alertsPageUrl, logFile: server.logFile, stop: server.stop };
}
