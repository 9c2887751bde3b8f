// The queue package's own test helpers (a private nats-server, in-memory telemetry with W3C
// propagation), shared instead of copied. Its package.json exports only the runtime entry,
// hence the relative path; only tests import this file.
export {
  type PrivateNatsServer,
  privateNatsServer,
  recordingLogger,
  spansNamed,
  useTestTelemetry,
  waitFor,
} from "../../../../packages/queue/src/test-utils.ts";
