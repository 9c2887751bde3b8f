import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const NOTIFIER_DIR = fileURLToPath(new URL("..", import.meta.url));
// The real auth service, found through the workspace dependency rather than a relative path.
const AUTH_DIR = join(dirname(createRequire(import.meta.url).resolve("@tracemesh/auth")), "..");

/** A demo user of auth (its fixed DEMO_USERS id), for events naming an owner. */
export const ALICE = {
  id: "0b6f3c1e-6a0e-4b8e-9d1a-3f2a4c5b6d01",
  username: "alice",
  displayName: "Alice Liddell",
  email: "alice@example.com",
};

export type LogLine = Record<string, unknown>;

export interface ServiceProcess {
  child: ChildProcess;
  lines: LogLine[];
  /** The first line (already written or to come) with this event that `match` accepts. */
  waitForLine(event: string, match?: (line: LogLine) => boolean): Promise<LogLine>;
  /** Sends the signal; resolves with the exit code and signal once every line is read. */
  stop(signal: NodeJS.Signals): Promise<[number | null, NodeJS.Signals | null]>;
}

const running = new Set<ChildProcess>();

// A line that is not JSON is kept as text, for the assertion that every line is JSON to see.
function parseLine(line: string): LogLine {
  try {
    return JSON.parse(line) as LogLine;
  } catch {
    return { event: "(not json)", text: line };
  }
}

/** Kills (SIGKILL) every process still running; for afterEach/afterAll. */
export function killAll(): void {
  for (const child of running) if (child.exitCode === null) child.kill("SIGKILL");
  running.clear();
}

// The preload's Prometheus exporter needs a real port (it refuses 0): borrow a free one.
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  server.close();
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

/** Runs `node --import @tracemesh/telemetry/preload src/main.ts` of a service, as `start` does. */
export function startService(service: "notifier" | "auth", env: Record<string, string>) {
  const child = spawn(
    process.execPath,
    ["--import", "@tracemesh/telemetry/preload", "src/main.ts"],
    {
      cwd: service === "auth" ? AUTH_DIR : NOTIFIER_DIR,
      env: { PATH: process.env.PATH, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  running.add(child);
  child.once("exit", () => running.delete(child));
  const lines: LogLine[] = [];
  const waiters = new Set<() => void>();
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  createInterface({ input: child.stdout }).on("line", (line) => {
    lines.push(parseLine(line));
    for (const wake of waiters) wake();
  });
  child.once("exit", () => {
    for (const wake of waiters) wake();
  });
  async function waitForLine(event: string, match: (line: LogLine) => boolean = () => true) {
    for (;;) {
      const found = lines.find((line) => line.event === event && match(line));
      if (found) return found;
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`${service} exited before logging ${event}: ${stderr.slice(-2000)}`);
      }
      await new Promise<void>((resolve) => {
        const wake = () => {
          waiters.delete(wake);
          resolve();
        };
        waiters.add(wake);
      });
    }
  }
  async function stop(signal: NodeJS.Signals) {
    if (child.exitCode !== null || child.signalCode !== null) {
      return [child.exitCode, child.signalCode] as [number | null, NodeJS.Signals | null];
    }
    // "close" comes after "exit" once stdout is read to its end: every line is in `lines`.
    const closed = once(child, "close") as Promise<[number | null, NodeJS.Signals | null]>;
    child.kill(signal);
    return closed;
  }
  const handle: ServiceProcess = { child, lines, waitForLine, stop };
  return handle;
}

/** The real auth service with SERVICE_TOKEN set; resolves with its URL once it listens. */
export async function startAuth(serviceToken: string, env: Record<string, string> = {}) {
  const auth = startService("auth", {
    PORT: "0",
    METRICS_PORT: String(await freePort()),
    SERVICE_TOKEN: serviceToken,
    ...env,
  });
  const listening = await auth.waitForLine("server.listening");
  return { ...auth, url: `http://127.0.0.1:${String(listening.port)}` };
}
