import { writeSync } from "node:fs";
import { ConfigError } from "./parse-env.ts";

/** Where `configOrExit` writes its line and how it ends the process; tests pass their own. */
export interface ConfigExit {
  write(line: string): void;
  exit(code: number): never;
}

const processExit: ConfigExit = {
  // Synchronous, so the line is out before exit() ends the process, whatever stdout is.
  write: (line) => writeSync(1, line),
  exit: (code) => process.exit(code),
};

/**
 * The config `parse()` returns, or the end of the process
 * (docs/architecture.md#config-logs-and-metrics): a ConfigError becomes one fatal JSON line naming
 * the variable (never its value: it may be a secret), then exit code 1. Anything else `parse()`
 * throws is a bug, and propagates.
 */
export function configOrExit<T>(service: string, parse: () => T, io: ConfigExit = processExit): T {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const line = {
      timestamp: new Date().toISOString(),
      level: "fatal",
      service,
      event: "config.invalid",
      variable: error.variable,
      issue: error.message,
    };
    io.write(`${JSON.stringify(line)}\n`);
    return io.exit(1);
  }
}
