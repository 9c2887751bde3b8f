// Light on purpose: @tracemesh/http imports this entry, so it never loads the OpenTelemetry SDK
// (that is the preload's job, `@tracemesh/telemetry/preload`).
export { describeError, type LogFields, type LogLevel, writeLogLine } from "./log-line.ts";
export { hideUrlFromSpans, recordRedactedException } from "./span-redaction.ts";
export { parseTelemetryConfig } from "./telemetry-config.ts";
export { type ShutdownTelemetryOptions, shutdownTelemetry } from "./telemetry-shutdown.ts";
