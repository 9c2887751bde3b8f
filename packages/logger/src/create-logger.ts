import winston from "winston";
import { batchedLines } from "./batched-lines.ts";
import { toLogLine } from "./log-line.ts";

/** winston's npm levels, most severe first; `LOG_LEVEL` config values are checked against them. */
export const LOG_LEVELS = ["error", "warn", "info", "http", "verbose", "debug", "silly"] as const;

export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LoggerOptions {
  /** The `service` field of every line (`todo-api`). */
  service: string;
  /** @default "info" */
  level?: LogLevel;
  /** Where lines go. @default process.stdout, each turn of the event loop's lines in one write */
  stream?: NodeJS.WritableStream;
}

/**
 * A winston logger writing one JSON object per line: `logger.info("todo.created", { todoId })`
 * → `{"timestamp","level","service","event":"todo.created","traceId","spanId","requestId","todoId"}`.
 * Pass errors as a field (`{ error }`), never as the second argument, which winston merges
 * into the event name.
 */
export function createLogger(options: LoggerOptions): winston.Logger {
  const { service, level = "info", stream = batchedLines(process.stdout) } = options;
  const logger = winston.createLogger({
    level,
    levels: winston.config.npm.levels,
    format: winston.format.printf((info) => JSON.stringify(toLogLine(info, service))),
    transports: [new winston.transports.Stream({ stream, eol: "\n" })],
  });
  // A broken log stream must not crash the service, like any telemetry failure
  // (docs/architecture.md#config-logs-and-metrics); stderr is the last resort.
  logger.on("error", (error: unknown) => {
    process.stderr.write(`@tracemesh/logger: log stream failed: ${String(error)}\n`);
  });
  return logger;
}
