// The test helpers every workspace package shares; a devDependency only, never a runtime one.
export { loginTo } from "./demo-login.ts";
export { freePort } from "./free-port.ts";
export {
  killAll,
  type LogLine,
  type NodeProcess,
  type NodeProcessOptions,
  startNodeProcess,
} from "./node-process.ts";
export { pnpmEntry } from "./pnpm-entry.ts";
export { type Measurement, type RecordingMeter, recordingMeter } from "./recording-meter.ts";
export { RecordingSpan } from "./recording-span.ts";
export {
  type ListeningService,
  startListeningService,
  startService,
  traceExportEnv,
} from "./service-process.ts";
export { descendants } from "./span-tree.ts";
export { createTestClock, type TestClock } from "./test-clock.ts";
export {
  TEST_HOME,
  TEST_IN_CI,
  TEST_K6_BIN,
  TEST_NATS_SERVER_BIN,
  TEST_NATS_URL,
  TEST_PATH,
} from "./test-env.ts";
export { waitFor } from "./wait-for.ts";
