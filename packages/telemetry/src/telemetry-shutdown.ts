import { describeError, writeLogLine } from "./log-line.ts";

type Shutdown = () => Promise<void>;

// The preload and the service may load this file as two module instances (loader hooks, symlinked
// workspaces), so the running SDK's shutdown is kept on a process-wide symbol, not a module variable.
const SHUTDOWN = Symbol.for("@tracemesh/telemetry.shutdown");
type Holder = { [SHUTDOWN]?: Shutdown };
const holder = globalThis as Holder;

/** Called by the preload once the SDK runs; `shutdownTelemetry()` then flushes and stops it. */
export function registerTelemetryShutdown(shutdown: Shutdown): void {
  holder[SHUTDOWN] = shutdown;
}

export interface ShutdownTelemetryOptions {
  /** Give up flushing after this long (an unreachable collector must not hold the exit). @default 5000 */
  timeoutMs?: number;
}

/**
 * Flushes pending spans and metrics and shuts the OpenTelemetry SDK down; a no-op when the
 * preload never started it. Never throws: a failure is logged and the caller exits as planned.
 */
export async function shutdownTelemetry(options: ShutdownTelemetryOptions = {}): Promise<void> {
  const { timeoutMs = 5000 } = options;
  const shutdown = holder[SHUTDOWN];
  if (!shutdown) return;
  delete holder[SHUTDOWN];
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(resolve, timeoutMs, "timeout");
  });
  try {
    const outcome = await Promise.race([shutdown().then(() => "done" as const), timeout]);
    if (outcome === "timeout") writeLogLine("warn", "telemetry.shutdown_timeout", { timeoutMs });
  } catch (error) {
    writeLogLine("warn", "telemetry.shutdown_failed", { error: describeError(error) });
  } finally {
    clearTimeout(timer);
  }
}
