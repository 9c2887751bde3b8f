import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { FlatSpan, OtlpSink } from "@tracemesh/otlp-sink";
import { closedPort } from "./test-utils.ts";

export type LogLine = Record<string, unknown>;

export interface ServiceProcess {
  child: ChildProcess;
  /** Every JSON line written to stdout so far. */
  lines: LogLine[];
  waitForLine(match: (line: LogLine) => boolean): Promise<LogLine>;
  /** SIGTERM, then the exit code and signal. */
  stop(): Promise<unknown[]>;
  /** SIGKILL unless it already ended: for cleanups. */
  kill(): void;
}

const SERVICES_DIR = fileURLToPath(new URL("../../", import.meta.url));

/** Runs a service as `pnpm start` does: Node 24 with the telemetry preload, env only. */
export function startServiceProcess(
  service: "todo-api" | "auth",
  env: Record<string, string>,
): ServiceProcess {
  const child = spawn(
    process.execPath,
    ["--import", "@tracemesh/telemetry/preload", "src/main.ts"],
    {
      cwd: `${SERVICES_DIR}${service}`,
      // Unless told otherwise, todo-api's relay publishes nowhere (nothing listens on port 1),
      // never into a broker other tests share.
      env: {
        PATH: process.env.PATH,
        ...(service === "todo-api" ? { NATS_URL: "127.0.0.1:1" } : {}),
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const lines: LogLine[] = [];
  const raw: string[] = [];
  const wakers: (() => void)[] = [];
  const wakeAll = () => {
    for (const wake of wakers.splice(0)) wake();
  };
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
    raw.push(line);
    try {
      lines.push(JSON.parse(line) as LogLine);
    } catch {
      lines.push({ event: "raw", text: line });
    }
    wakeAll();
  });
  child.on("exit", wakeAll);
  return {
    child,
    lines,
    async waitForLine(match) {
      for (;;) {
        const found = lines.find(match);
        if (found) return found;
        if (child.exitCode !== null || child.signalCode !== null) {
          throw new Error(`${service} exited:\n${raw.join("\n")}`);
        }
        await new Promise<void>((resolve) => wakers.push(resolve));
      }
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return [child.exitCode, null];
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      return exited;
    },
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    },
  };
}

export interface RunningService extends ServiceProcess {
  /** `http://127.0.0.1:<port>` */
  base: string;
  metricsPort: number;
}

/** Starts `service` exporting traces to `sink`, and waits until it listens. */
export async function startTracedService(
  service: "todo-api" | "auth",
  sink: OtlpSink,
  env: Record<string, string>,
): Promise<RunningService> {
  // The preload's Prometheus exporter refuses port 0: borrow a free one.
  const metricsPort = await closedPort();
  // auth listens on 0 and says where; todo-api's config wants a real port.
  const port = service === "auth" ? 0 : await closedPort();
  const running = startServiceProcess(service, {
    PORT: String(port),
    METRICS_PORT: String(metricsPort),
    OTEL_SERVICE_NAME: service,
    OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
    OTEL_BSP_SCHEDULE_DELAY: "200",
    ...env,
  });
  const listening = await running.waitForLine((line) => line.event === "server.listening");
  return { ...running, base: `http://127.0.0.1:${String(listening.port)}`, metricsPort };
}

/** An access token from a running auth's `POST /v1/token`. */
export async function loginTo(authBase: string, username: string): Promise<string> {
  const response = await fetch(`${authBase}/v1/token`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username, password: `${username}-demo-password` }),
  });
  if (response.status !== 200) throw new Error(`login as ${username}: ${response.status}`);
  return ((await response.json()) as { accessToken: string }).accessToken;
}

/** The spans of `sink` below `root` (children, grandchildren…). */
export function descendants(sink: OtlpSink, root: FlatSpan): FlatSpan[] {
  const spans = sink.trace(root.traceId);
  const below = new Set([root.spanId]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const span of spans) {
      if (span.parentSpanId && below.has(span.parentSpanId) && !below.has(span.spanId)) {
        below.add(span.spanId);
        grew = true;
      }
    }
  }
  return spans.filter((span) => span.spanId !== root.spanId && below.has(span.spanId));
}
