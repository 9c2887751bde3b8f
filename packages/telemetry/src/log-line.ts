/** The levels of a log line written without winston (fatal: the process ends next). */
export type LogLevel = "debug" | "info" | "warn" | "error" | "fatal";

/** The fields of one structured log line besides its timestamp, level and event. */
export type LogFields = Record<string, unknown>;

/**
 * Writes one JSON log line to stdout in the shape of the service logs
 * (docs/architecture.md#config-logs-and-metrics), for code that runs where the winston logger
 * cannot: the preload, and servers started without a logger.
 */
export function writeLogLine(level: LogLevel, event: string, fields: LogFields = {}): void {
  const line = { timestamp: new Date().toISOString(), level, event, ...fields };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

/** A thrown value as loggable fields: name and message, never the whole object. */
export function describeError(error: unknown): { name: string; message: string } {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: "NonError", message: String(error) };
}
