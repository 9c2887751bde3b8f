import { configOrExit } from "@tracemesh/config";
import { createLogger, type Logger } from "@tracemesh/logger";
import { shutdownTelemetry } from "@tracemesh/telemetry";

export interface RunServiceOptions<Config> {
  /** The service's name: the `service` of the lines, and the `<name>.start_failed` event. */
  name: string;
  /**
   * Parses the environment once (the service's `loadConfig`); throws ConfigError on a bad value.
   */
  loadConfig: () => Config;
  /**
   * Builds the dependencies and starts serving (`startHttpServer`), resolving once it listens.
   * When it throws, it closes first what it opened: the process is about to end.
   */
  start: (config: Config) => Promise<void>;
}

// winston hands lines to its stream asynchronously: the process must not end before they are out.
function flushed(logger: Logger): Promise<void> {
  return new Promise((resolve) => {
    logger.on("finish", () => resolve());
    logger.end();
  });
}

/**
 * A service's one way to start and to fail at start-up
 * (docs/architecture.md#config-logs-and-metrics): a bad config is one fatal `config.invalid` line
 * naming the variable, and exit code 1; a start that throws is one `<name>.start_failed` error line
 * with the error (its stack stays in the log), telemetry flushed, and exit code 1, whatever the
 * start left open.
 */
export async function runService<Config>(options: RunServiceOptions<Config>): Promise<void> {
  const { name, loadConfig, start } = options;
  const config = configOrExit(name, loadConfig);
  try {
    await start(config);
  } catch (error) {
    const logger = createLogger({ service: name });
    logger.error(`${name}.start_failed`, { error });
    await shutdownTelemetry();
    await flushed(logger);
    process.exit(1);
  }
}
