import { register } from "node:module";
import { isMainThread } from "node:worker_threads";
import { ConfigError } from "@tracemesh/config";
import { createAddHookMessageChannel } from "import-in-the-middle";
import {
  register as registerSyncHooks,
  supportsSyncHooks,
} from "import-in-the-middle/register-hooks.mjs";
import { describeError, writeLogLine } from "./log-line.ts";
import { parseTelemetryConfig, type TelemetryConfig } from "./telemetry-config.ts";

// `node --import @tracemesh/telemetry/preload src/main.ts`: runs to completion (top-level await
// included) before main.ts is loaded, so every app module goes through the loader hook below.
// A telemetry failure is logged and the service runs on without telemetry; nothing escapes.

function readConfig(): TelemetryConfig {
  try {
    return parseTelemetryConfig();
  } catch (error) {
    // A bad setting is an operator error, not a telemetry outage: fail like any config
    // (docs/architecture.md#config-logs-and-metrics).
    const variable = error instanceof ConfigError ? error.variable : undefined;
    writeLogLine("fatal", "config.invalid", { variable, error: describeError(error) });
    process.exit(1);
  }
}

async function preload(config: TelemetryConfig): Promise<void> {
  // Worker threads inherit --import: one SDK (and one metrics port) per process is enough.
  if (config.sdkDisabled || !isMainThread) return;
  try {
    // The SDK and its instrumentations load first, before any hook: hundreds of modules that
    // need no wrapping, and each one through the hook's thread would cost start-up seconds.
    const { startTelemetry } = await import("./start-telemetry.ts");
    // Then the hook, before the app imports the modules the instrumentations patch (ESM). It
    // wraps only those: the instrumentations name them through this channel as they enable.
    const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
    if (supportsSyncHooks()) {
      // In this thread (module.registerHooks): no loader thread, no round trip per module.
      registerSyncHooks(registerOptions.data);
    } else {
      register("import-in-the-middle/hook.mjs", import.meta.url, registerOptions);
    }
    await startTelemetry(config);
    await waitForAllMessagesAcknowledged();
  } catch (error) {
    writeLogLine("error", "telemetry.start_failed", {
      ...(config.serviceName === undefined ? {} : { service: config.serviceName }),
      error: describeError(error),
    });
  }
}

await preload(readConfig());
