import { type ChildProcess, spawn } from "node:child_process";
import { closeSync } from "node:fs";
import { join } from "node:path";
import { type LogLine, logLineReader, openLogFile } from "./log-file.ts";
import { REPO_ROOT } from "./repo-paths.ts";

export interface ServiceProcessOptions {
  /** Folder name under services/, e.g. "todo-api". */
  name: string;
  /** The service's whole environment. */
  env: Record<string, string | undefined>;
  /** Polled until it answers 200. */
  readyUrl: string;
  /** Every line the service writes goes here; `logs()` reads them back. */
  logFile: string;
  /** @default 30000 */
  readyTimeoutMs?: number;
  /**
   * How often the ready URL is asked. A starting service may log each "not ready" answer, so
   * only a caller timing the start-up (pnpm bench) asks often. @default 200
   */
  readyPollMs?: number;
}

export interface ServiceProcess {
  name: string;
  /** The process id: for its memory (`/proc/<pid>/status`). */
  pid: number | undefined;
  /** From the spawn to the first 200 of the ready URL, in milliseconds. */
  readyMs: number;
  /** Every line it has logged so far, parsed, oldest first. */
  logs(): LogLine[];
  /** SIGTERM, then wait for the exit code. */
  stop(): Promise<number | null>;
}

/** Starts a service as `pnpm --filter … start` would: Node 24, the telemetry preload, src/main.ts. */
export async function startServiceProcess(options: ServiceProcessOptions): Promise<ServiceProcess> {
  const { name, env, readyUrl, logFile, readyTimeoutMs = 30_000, readyPollMs = 200 } = options;
  const output = openLogFile(logFile);
  const child = spawn(
    process.execPath,
    ["--import", "@tracemesh/telemetry/preload", "src/main.ts"],
    { cwd: join(REPO_ROOT, "services", name), env, stdio: ["ignore", output, output] },
  );
  closeSync(output);
  const logs = logLineReader(logFile);
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const spawnedAt = performance.now();
  await waitUntilReady(
    name,
    readyUrl,
    { timeoutMs: readyTimeoutMs, pollMs: readyPollMs },
    child,
    logs,
  );
  return {
    name,
    pid: child.pid,
    readyMs: performance.now() - spawnedAt,
    logs,
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      return exited;
    },
  };
}

async function waitUntilReady(
  name: string,
  url: string,
  { timeoutMs, pollMs }: { timeoutMs: number; pollMs: number },
  child: ChildProcess,
  logs: () => LogLine[],
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      const tail = logs()
        .slice(-5)
        .map((line) => JSON.stringify(line));
      throw new Error(`${name} exited with code ${child.exitCode}:\n${tail.join("\n")}`);
    }
    const ok = await fetch(url, { signal: AbortSignal.timeout(1000) }).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  child.kill("SIGKILL");
  throw new Error(`${name} was not ready at ${url} within ${timeoutMs} ms`);
}
