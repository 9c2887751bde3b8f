import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { REPO_ROOT } from "./repo-paths.ts";

/** One parsed JSON log line of a service. */
export type LogLine = Record<string, unknown> & { event?: string; traceId?: string };

export interface ServiceProcessOptions {
  /** Folder name under services/, e.g. "todo-api". */
  name: string;
  /** The service's whole environment. */
  env: Record<string, string | undefined>;
  /** Polled until it answers 200. */
  readyUrl: string;
  /** Every line the service writes is kept here too. */
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
  logs(): LogLine[];
  /** SIGTERM, then wait for the exit code. */
  stop(): Promise<number | null>;
}

/** Starts a service as `pnpm --filter … start` would: Node 24, the telemetry preload, src/main.ts. */
export async function startServiceProcess(options: ServiceProcessOptions): Promise<ServiceProcess> {
  const { name, env, readyUrl, logFile, readyTimeoutMs = 30_000, readyPollMs = 200 } = options;
  await mkdir(dirname(logFile), { recursive: true });
  const file = createWriteStream(logFile, { flags: "w" });
  const child = spawn(
    process.execPath,
    ["--import", "@tracemesh/telemetry/preload", "src/main.ts"],
    { cwd: join(REPO_ROOT, "services", name), env, stdio: "pipe" },
  );
  const lines: LogLine[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on("line", (line) => {
      file.write(`${line}\n`);
      try {
        lines.push(JSON.parse(line) as LogLine);
      } catch {
        lines.push({ event: "raw", text: line });
      }
    });
  }
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const spawnedAt = performance.now();
  await waitUntilReady(
    name,
    readyUrl,
    { timeoutMs: readyTimeoutMs, pollMs: readyPollMs },
    child,
    lines,
  );
  return {
    name,
    pid: child.pid,
    readyMs: performance.now() - spawnedAt,
    logs: () => lines,
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      const code = await exited;
      file.end();
      return code;
    },
  };
}

async function waitUntilReady(
  name: string,
  url: string,
  { timeoutMs, pollMs }: { timeoutMs: number; pollMs: number },
  child: ChildProcess,
  lines: LogLine[],
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      const tail = lines.slice(-5).map((line) => JSON.stringify(line));
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
