import { Writable } from "node:stream";
import { createLogger, type LogLevel } from "./create-logger.ts";

export interface CaptureLoggerOptions {
  /** @default "test-service" */
  service?: string;
  /** @default "debug" */
  level?: LogLevel;
}

/** A logger writing into memory, with the JSON lines (and raw text) it wrote so far. */
export function captureLogger(options: CaptureLoggerOptions = {}) {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      chunks.push(String(chunk));
      callback();
    },
  });
  const { service = "test-service", level = "debug" } = options;
  const logger = createLogger({ service, level, stream });
  const raw = () => chunks.join("");
  async function lines(): Promise<Record<string, unknown>[]> {
    // winston hands records to its transports through stream buffers: let them drain.
    await new Promise((resolve) => setImmediate(resolve));
    return raw()
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }
  return { logger, lines, raw };
}
