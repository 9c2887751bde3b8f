import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

export const PRELOAD_PATH = fileURLToPath(new URL("../preload.ts", import.meta.url));
const ITEMS_SERVER_PATH = fileURLToPath(new URL("./items-server.ts", import.meta.url));

export type LogLine = Record<string, unknown> & { event?: string };

export interface FixtureProcess {
  child: ChildProcess;
  /** The app's port, from its `server.listening` line. */
  port: number;
  baseUrl: string;
  /** Every JSON line written to stdout so far. */
  lines: LogLine[];
  waitForLine(match: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  /** What the process wrote to stderr, for failure messages. */
  stderr(): string;
  kill(): void;
}

/** Starts test-fixtures/items-server.ts with the telemetry preload, as services run. */
export async function startItemsServer(env: Record<string, string>): Promise<FixtureProcess> {
  const child = spawn(process.execPath, ["--import", PRELOAD_PATH, ITEMS_SERVER_PATH], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: LogLine[] = [];
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
    try {
      lines.push(JSON.parse(line) as LogLine);
    } catch {
      lines.push({ event: "fixture.non_json_output", text: line });
    }
  });
  const exited = once(child, "exit").then(([code]) => code as number | null);

  async function waitForLine(match: (line: LogLine) => boolean, timeoutMs = 15_000) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = lines.find(match);
      if (found) return found;
      if (child.exitCode !== null) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(
      `no matching line (exit ${child.exitCode}); stdout: ${JSON.stringify(lines)}; stderr: ${stderr}`,
    );
  }

  const listening = await waitForLine((line) => line.event === "server.listening");
  const port = Number(listening.port);
  return {
    child,
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    lines,
    waitForLine,
    exited,
    stderr: () => stderr,
    kill: () => {
      if (child.exitCode === null) child.kill("SIGKILL");
    },
  };
}

/** A port nobody listens on right now (tests run in parallel: never a fixed one). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  server.close();
  await once(server, "close");
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}
