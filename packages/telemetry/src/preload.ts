import { register } from "node:module";
import { isMainThread } from "node:worker_threads";
import { ConfigError } from "@tracemesh/config";
import { describeError, writeLogLine } from "./log-line.ts";
import { parseTelemetryConfig, type TelemetryConfig } from "./telemetry-config.ts";

// `node --import @tracemesh/telemetry/preload src/main.ts`: runs to completion (top-level await
// included) before main.ts is loaded, so every app module goes through the loader hook below.
// A telemetry failure is logged and the service runs on without telemetry; nothing escapes.

function readConfig(): TelemetryConfig {
  try {
    return parseTelemetryConfig();
  } catch (error) {
    // A bad setting is an operator error, not a telemetry outage: fail like any config (DESIGN §9).
    const variable = error instanceof ConfigError ? error.variable : undefined;
    writeLogLine("fatal", "config.invalid", { variable, error: describeError(error) });
    process.exit(1);
  }
}

async function preload(config: TelemetryConfig): Promise<void> {
  // Worker threads inherit --import: one SDK (and one metrics port) per process is enough.
  if (config.sdkDisabled || !isMainThread) return;
  try {
    // The hook must be in place before the SDK and the app import the modules it patches (ESM).
    register("@opentelemetry/instrumentation/hook.mjs", import.meta.url);
    const { startTelemetry } = await import("./start-telemetry.ts");
    await startTelemetry(config);
  } catch (error) {
    writeLogLine("error", "telemetry.start_failed", {
      ...(config.serviceName === undefined ? {} : { service: config.serviceName }),
      error: describeError(error),
    });
  }
}

await preload(readConfig());
