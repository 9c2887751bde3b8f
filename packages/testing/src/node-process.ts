import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { TEST_PATH } from "./test-env.ts";

/** One stdout line: its JSON, or `{ event: "(not json)", text }` for a line that is not JSON. */
export type LogLine = Record<string, unknown>;

/** How a process ended: its exit code, or the signal that ended it. */
export type ProcessEnd = [code: number | null, signal: NodeJS.Signals | null];

export interface NodeProcess {
  child: ChildProcess;
  /** Every stdout line so far, in order. */
  lines: LogLine[];
  /** The first line (already written or to come) with this event that `match` accepts. */
  waitForLine(event: string, match?: (line: LogLine) => boolean): Promise<LogLine>;
  /** Settles once the process has ended and every line of it is in `lines`. */
  exited: Promise<ProcessEnd>;
  /** Sends `signal` (unless it has ended already) and resolves with `exited`. */
  stop(signal?: NodeJS.Signals): Promise<ProcessEnd>;
  /** SIGKILL unless it has ended already: for cleanups. */
  kill(): Promise<ProcessEnd>;
}

export interface NodeProcessOptions {
  /** The whole environment, besides PATH: nothing else of the test's leaks in. */
  env: Record<string, string>;
  cwd?: string;
  /** Names it in failure messages. @default "process" */
  name?: string;
}

const running = new Set<NodeProcess>();

// Kept as text so that an assertion that every line is JSON can see the others.
function parseLine(line: string): LogLine {
  try {
    return JSON.parse(line) as LogLine;
  } catch {
    return { event: "(not json)", text: line };
  }
}

/** Runs `node <args>` on this Node, collecting its stdout lines. */
export function startNodeProcess(args: string[], options: NodeProcessOptions): NodeProcess {
  const { env, cwd, name = "process" } = options;
  const child = spawn(process.execPath, args, {
    cwd,
    env: { PATH: TEST_PATH, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: LogLine[] = [];
  const waiters = new Set<() => void>();
  const wakeAll = () => {
    for (const wake of waiters) wake();
  };
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
    lines.push(parseLine(line));
    wakeAll();
  });
  // "close" comes after "exit", once stdout is read to its end.
  let closed = false;
  const exited = (once(child, "close") as Promise<ProcessEnd>).finally(() => {
    closed = true;
    running.delete(handle);
    wakeAll();
  });

  async function waitForLine(event: string, match: (line: LogLine) => boolean = () => true) {
    for (;;) {
      const found = lines.find((line) => line.event === event && match(line));
      if (found) return found;
      if (closed) {
        const tail = lines.slice(-10).map((line) => JSON.stringify(line));
        throw new Error(
          `${name} ended (${child.exitCode ?? child.signalCode}) before logging ${event}:\n` +
            `${tail.join("\n")}\nstderr: ${stderr.slice(-2000)}`,
        );
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

  const handle: NodeProcess = {
    child,
    lines,
    waitForLine,
    exited,
    stop(signal = "SIGTERM") {
      if (!closed) child.kill(signal);
      return exited;
    },
    kill() {
      return handle.stop("SIGKILL");
    },
  };
  running.add(handle);
  return handle;
}

/** Kills (SIGKILL) every process this file started that still runs; for afterEach/afterAll. */
export async function killAll(): Promise<void> {
  await Promise.all([...running].map((each) => each.kill()));
}
