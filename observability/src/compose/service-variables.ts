import { loadConfig as loadAuthConfig } from "@tracemesh/auth";
import { ConfigError } from "@tracemesh/config";
import { loadConfig as loadNotifierConfig } from "@tracemesh/notifier";
import { parseTelemetryConfig } from "@tracemesh/telemetry";
import { loadConfig as loadTodoApiConfig } from "@tracemesh/todo-api";

/** A service's start-up config parser: throws a ConfigError naming the first bad variable. */
export type LoadConfig = (env: Record<string, string | undefined>) => unknown;

/** The config parser of each service docker compose builds from the Dockerfile. */
export const SERVICE_CONFIGS: Record<string, LoadConfig> = {
  "todo-api": loadTodoApiConfig,
  auth: loadAuthConfig,
  notifier: loadNotifierConfig,
};

/** The standard OpenTelemetry SDK variables compose may set: the SDK reads them itself. */
export const OTEL_SDK_VARIABLES = [
  "OTEL_SERVICE_NAME",
  "OTEL_RESOURCE_ATTRIBUTES",
  "OTEL_EXPORTER_OTLP_ENDPOINT",
  "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
  "OTEL_BSP_SCHEDULE_DELAY",
  "OTEL_TRACES_SAMPLER",
  "OTEL_TRACES_SAMPLER_ARG",
  "OTEL_LOG_LEVEL",
];

const UNREADABLE = "/nonexistent/tracemesh-probe";

/**
 * Whether a service's config reads `variable`. parseEnv honours `<VARIABLE>_FILE` for exactly
 * the variables its schema reads, and names the _FILE variable when that file cannot be read:
 * asking with an unreadable one tells, through the service's own public parser.
 */
export function configReads(load: LoadConfig, variable: string): boolean {
  const probe = `${variable}_FILE`;
  try {
    load({ [probe]: UNREADABLE });
    return false;
  } catch (error) {
    if (error instanceof ConfigError && error.variable === probe) return true;
    throw error;
  }
}

/** Whether a service, its telemetry preload or the OpenTelemetry SDK reads `variable`. */
export function serviceReads(service: string, variable: string): boolean {
  const load = SERVICE_CONFIGS[service];
  if (!load) throw new Error(`${service} is not a service of this repository`);
  return (
    configReads(load, variable) ||
    // What the telemetry preload reads before the service's own config, in every service.
    configReads(parseTelemetryConfig, variable) ||
    OTEL_SDK_VARIABLES.includes(variable)
  );
}
