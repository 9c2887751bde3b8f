import { spawn } from "node:child_process";
import { closeSync } from "node:fs";
import { openLogFile } from "./log-file.ts";

export interface BackgroundProgramOptions {
  /** Names it in errors: "prometheus". */
  name: string;
  binary: string;
  args: string[];
  /** Everything it writes goes here. */
  logFile: string;
  /** Polled until true: the program is ready to serve. */
  isReady: () => Promise<boolean>;
  /** @default 20000 */
  readyTimeoutMs?: number;
  /** Variables added to this process's environment. */
  env?: Record<string, string>;
}

export interface BackgroundProgram {
  logFile: string;
  /** SIGTERM, then resolves once it has exited. */
  stop(): Promise<void>;
}

/**
 * Starts a server program of the machine's (nats-server, prometheus, alertmanager), its output
 * in `logFile`, and resolves once it is ready; rejects, having killed it, when it exits first or
 * is not ready in time. The error names the log file, where the program said why.
 */
export async function startBackgroundProgram(
  options: BackgroundProgramOptions,
): Promise<BackgroundProgram> {
  const { name, binary, args, logFile, isReady, readyTimeoutMs = 20_000 } = options;
  const output = openLogFile(logFile);
  const child = spawn(binary, args, {
    stdio: ["ignore", output, output],
    env: { ...process.env, ...options.env },
  });
  closeSync(output);
  // A failed spawn shows as the exit below, not as an unhandled error event.
  child.once("error", () => {});
  const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
  };

  const deadline = Date.now() + readyTimeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`${name} exited with code ${child.exitCode} (see ${logFile})`);
    }
    if (await isReady()) return { logFile, stop };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill("SIGKILL");
  await exited;
  throw new Error(`${name} was not ready within ${readyTimeoutMs} ms (see ${logFile})`);
}

/** Whether `url` answers 200 within a second. */
export function answersOk(url: string): Promise<boolean> {
  return fetch(url, { signal: AbortSignal.timeout(1000) }).then(
    (response) => response.ok,
    () => false,
  );
}
