import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { answersOk, startBackgroundProgram } from "./background-program.ts";
import { findProgram } from "./find-program.ts";
import { OBSERVABILITY_DIR } from "./repo-paths.ts";

export interface StartAlertmanagerOptions {
  /** The alertmanager binary (Debian names it prometheus-alertmanager). */
  binary: string;
  /** Its config, credentials file, state and log go here. */
  dataDir: string;
  port: number;
  /** The notifier that receives the webhook: `http://127.0.0.1:<port>`. */
  notifierUrl: string;
  /** The notifier's ALERTS_TOKEN, written to the credentials file the config names. */
  alertsToken: string;
}

export interface AlertmanagerServer {
  url: string;
  logFile: string;
  stop(): Promise<void>;
}

/**
 * The machine's alertmanager binary in `searchPath` (a PATH) or the system's folders; undefined
 * when none is installed. Debian calls it prometheus-alertmanager; the upstream release,
 * alertmanager.
 */
export function findAlertmanager(searchPath: string): string | undefined {
  return findProgram(["alertmanager", "prometheus-alertmanager"], searchPath);
}

/** The notifier's address in observability/alertmanager/alertmanager.yml (docker compose's). */
export const COMPOSE_NOTIFIER_ORIGIN = "http://notifier:8082";

/**
 * observability/alertmanager/alertmanager.yml with the notifier at `notifierUrl` instead of its
 * compose address: the one thing a local run changes (Alertmanager 0.25 reads no variables).
 */
export function localAlertmanagerConfig(composeConfig: string, notifierUrl: string): string {
  const origin = new URL(notifierUrl).origin;
  const occurrences = composeConfig.split(`${COMPOSE_NOTIFIER_ORIGIN}/`).length - 1;
  if (occurrences !== 1) {
    throw new Error(
      `alertmanager.yml must name ${COMPOSE_NOTIFIER_ORIGIN}/ once (found ${occurrences})`,
    );
  }
  return composeConfig.replace(`${COMPOSE_NOTIFIER_ORIGIN}/`, `${origin}/`);
}

/**
 * Writes a local run's config to `dataDir` (the repository's, sending to the local notifier) and
 * the credentials file it names. Returns the config's path.
 */
export async function prepareLocalAlertmanagerConfig(
  options: Pick<StartAlertmanagerOptions, "dataDir" | "notifierUrl" | "alertsToken">,
): Promise<string> {
  const { dataDir, notifierUrl, alertsToken } = options;
  const composeConfig = await readFile(
    join(OBSERVABILITY_DIR, "alertmanager/alertmanager.yml"),
    "utf8",
  );
  await mkdir(join(dataDir, "secrets"), { recursive: true });
  const config = join(dataDir, "alertmanager.yml");
  await writeFile(config, localAlertmanagerConfig(composeConfig, notifierUrl));
  await writeFile(join(dataDir, "secrets/alerts-token"), alertsToken, { mode: 0o600 });
  return config;
}

/** Runs the machine's Alertmanager on the repository's config, sending to the local notifier. */
export async function startAlertmanager(
  options: StartAlertmanagerOptions,
): Promise<AlertmanagerServer> {
  const { binary, dataDir, port } = options;
  const config = await prepareLocalAlertmanagerConfig(options);
  const url = `http://127.0.0.1:${port}`;
  const server = await startBackgroundProgram({
    name: "alertmanager",
    binary,
    args: [
      `--config.file=${config}`,
      `--storage.path=${join(dataDir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // The notifications' links (externalURL) open where it listens, not at the host's name.
      `--web.external-url=${url}`,
      // A single instance: no gossip port to collide with another run's.
      "--cluster.listen-address=",
    ],
    logFile: join(dataDir, "alertmanager.log"),
    isReady: () => answersOk(`${url}/-/ready`),
  });
  return { url, logFile: server.logFile, stop: server.stop };
}
