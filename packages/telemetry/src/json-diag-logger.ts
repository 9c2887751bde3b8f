import type { DiagLogger } from "@opentelemetry/api";
import { describeError, type LogLevel, writeLogLine } from "./log-line.ts";

export interface JsonDiagLoggerOptions {
  /** Added to every line, like the service logs. */
  service?: string;
  /** A message repeated within this window is written once (a down collector fails every batch). @default 60000 */
  repeatWindowMs?: number;
}

/**
 * An OpenTelemetry diagnostic logger writing JSON lines (event `telemetry.diagnostic`), so SDK
 * failures such as export errors are visible in the service's log stream, not lost or printed raw.
 */
export function createJsonDiagLogger(options: JsonDiagLoggerOptions = {}): DiagLogger {
  const { service, repeatWindowMs = 60_000 } = options;
  const lastWritten = new Map<string, number>();

  function write(level: LogLevel, message: unknown, args: unknown[]): void {
    const text = readable(message);
    const now = Date.now();
    const previous = lastWritten.get(text);
    if (previous !== undefined && now - previous < repeatWindowMs) return;
    // Distinct messages are few; the bound only guards against ids embedded in messages.
    if (lastWritten.size >= 200) lastWritten.clear();
    lastWritten.set(text, now);
    const details = args.map((arg) => (arg instanceof Error ? describeError(arg) : String(arg)));
    writeLogLine(level, "telemetry.diagnostic", {
      ...(service === undefined ? {} : { service }),
      message: text,
      ...(details.length > 0 ? { details } : {}),
    });
  }

  return {
    error: (message, ...args) => write("error", message, args),
    warn: (message, ...args) => write("warn", message, args),
    info: (message, ...args) => write("info", message, args),
    debug: (message, ...args) => write("debug", message, args),
    verbose: (message, ...args) => write("debug", message, args),
  };
}

// The SDK's global error handler passes exceptions as JSON strings (stack included); keep the
// parts an operator reads: "Error: connect ECONNREFUSED 127.0.0.1:4318".
function readable(message: unknown): string {
  if (message instanceof Error) return `${message.name}: ${message.message}`;
  const text = String(message);
  if (!text.startsWith("{")) return text;
  try {
    const parsed = JSON.parse(text) as { name?: unknown; message?: unknown };
    if (typeof parsed.message !== "string") return text;
    return typeof parsed.name === "string" ? `${parsed.name}: ${parsed.message}` : parsed.message;
  } catch {
    return text;
  }
}
