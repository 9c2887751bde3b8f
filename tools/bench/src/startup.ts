import { mkdtemp } from "node:fs/promises";
import { join } from "node:path";
import { type Mesh, readDemoSecrets, reservePort, startServiceProcess } from "@tracemesh/mesh";
import { percentile } from "./percentile.ts";
import { residentMiB } from "./process-memory.ts";

export interface StartupResult {
  service: string;
  /** Median of the runs, from spawn to the first 200 of /health/ready, milliseconds. */
  readyMs: number;
  /** Resident memory once idle after start, MiB. */
  idleRssMiB: number | undefined;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts each service alone, `runs` times, and times it to /health/ready; then reads its memory
 * after a few idle seconds. todo-api opens an existing PGlite directory (its first start made
 * it); the notifier uses `mesh`'s NATS and auth.
 */
export async function measureStartup(
  mesh: Mesh,
  options: { runs: number; searchPath: string; traceSinkUrl: string },
): Promise<StartupResult[]> {
  const secrets = readDemoSecrets();
  const dataDir = await mkdtemp(join(mesh.dataDir, "startup-"));
  const natsUrl = mesh.nats.url ?? "";
  const envOf: Record<string, Record<string, string>> = {
    auth: { SERVICE_TOKEN: secrets.serviceToken },
    "todo-api": {
      AUTH_URL: mesh.urls.auth,
      NATS_URL: natsUrl,
      DATA_DIR: join(dataDir, "todo-api"),
    },
    notifier: { AUTH_URL: mesh.urls.auth, NATS_URL: natsUrl, SERVICE_TOKEN: secrets.serviceToken },
  };
  const results: StartupResult[] = [];
  for (const [service, env] of Object.entries(envOf)) {
    const times: number[] = [];
    let idleRssMiB: number | undefined;
    // One more run for todo-api: the first creates its PGlite directory.
    const runs = service === "todo-api" ? options.runs + 1 : options.runs;
    for (let run = 0; run < runs; run++) {
      const port = await reservePort(0);
      const started = await startServiceProcess({
        name: service,
        readyUrl: `http://127.0.0.1:${port}/health/ready`,
        logFile: join(dataDir, `${service}-${run}.log`),
        env: {
          PATH: options.searchPath,
          ...env,
          PORT: String(port),
          METRICS_PORT: String(await reservePort(0)),
          OTEL_SERVICE_NAME: service,
          OTEL_EXPORTER_OTLP_ENDPOINT: options.traceSinkUrl,
        },
      });
      if (!(service === "todo-api" && run === 0)) times.push(started.readyMs);
      if (run === runs - 1) {
        await sleep(3000);
        idleRssMiB = await residentMiB(started.pid);
      }
      await started.stop();
    }
    results.push({ service, readyMs: percentile(times, 50), idleRssMiB });
  }
  return results;
}
