import { mkdtemp } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { type Mesh, reservePort, startServiceProcess } from "@tracemesh/mesh";
import { percentile } from "./percentile.ts";
import { residentMemory } from "./process-memory.ts";

export interface StartupResult {
  service: string;
  /** Median of the runs, from spawn to the first 200 of /health/ready, milliseconds. */
  readyMs: number;
  /** Resident memory once idle after start, MiB. */
  idleRssMiB: number | undefined;
  /**
   * The part of it mapped from files, MiB: mostly the node binary's code, whose resident share
   * depends on how the kernel holds the file in its page cache, not on the service (a binary
   * just installed counted some 27 MiB more than the same binary read back from disk).
   */
  idleFileMiB: number | undefined;
}

/** One service started alone, as a label in the report says. */
interface StartupCase {
  label: string;
  service: "auth" | "todo-api" | "notifier";
  env: Record<string, string>;
  /** Runs before the measured ones, not timed. */
  unmeasuredRuns?: number;
}

/**
 * Starts each service alone, `runs` times, and times it to /health/ready; then reads its memory
 * after a few idle seconds. todo-api opens an existing PGlite directory (its first start made
 * it), and, given `databaseUrl`, runs on PostgreSQL too; the notifier uses `mesh`'s NATS and auth.
 */
export async function measureStartup(
  mesh: Mesh,
  options: { runs: number; searchPath: string; traceSinkUrl: string; databaseUrl?: string },
): Promise<StartupResult[]> {
  const { secrets } = mesh;
  const dataDir = await mkdtemp(join(mesh.dataDir, "startup-"));
  const natsUrl = mesh.nats.url ?? "";
  const upstreams = { AUTH_URL: mesh.urls.auth, NATS_URL: natsUrl };
  const cases: StartupCase[] = [
    { label: "auth", service: "auth", env: { SERVICE_TOKEN: secrets.serviceToken } },
    // One more run: the first creates the PGlite directory the others open.
    {
      label: "todo-api",
      service: "todo-api",
      env: { ...upstreams, DATA_DIR: join(dataDir, "todo-api") },
      unmeasuredRuns: 1,
    },
    {
      label: "notifier",
      service: "notifier",
      env: { ...upstreams, SERVICE_TOKEN: secrets.serviceToken },
    },
  ];
  if (options.databaseUrl !== undefined) {
    cases.push({
      label: "todo-api on PostgreSQL",
      service: "todo-api",
      env: { ...upstreams, DATABASE_URL: options.databaseUrl },
    });
  }
  const results: StartupResult[] = [];
  for (const { label, service, env, unmeasuredRuns = 0 } of cases) {
    const times: number[] = [];
    let idleRssMiB: number | undefined;
    let idleFileMiB: number | undefined;
    const runs = options.runs + unmeasuredRuns;
    for (let run = 0; run < runs; run++) {
      const port = await reservePort(0);
      const started = await startServiceProcess({
        name: service,
        readyUrl: `http://127.0.0.1:${port}/health/ready`,
        // Often: the start-up is timed through this wait.
        readyPollMs: 20,
        logFile: join(dataDir, `${label.replaceAll(" ", "-")}-${run}.log`),
        env: {
          PATH: options.searchPath,
          ...env,
          PORT: String(port),
          METRICS_PORT: String(await reservePort(0)),
          OTEL_SERVICE_NAME: service,
          OTEL_EXPORTER_OTLP_ENDPOINT: options.traceSinkUrl,
          SHUTDOWN_GRACE_MS: "0",
        },
      });
      if (run >= unmeasuredRuns) times.push(started.readyMs);
      if (run === runs - 1) {
        await sleep(3000);
        const memory = await residentMemory(started.pid);
        idleRssMiB = memory?.rssMiB;
        idleFileMiB = memory?.fileMiB;
      }
      await started.stop();
    }
    results.push({ service: label, readyMs: percentile(times, 50), idleRssMiB, idleFileMiB });
  }
  return results;
}
