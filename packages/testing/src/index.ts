// The test helpers every workspace package shares; a devDependency only, never a runtime one.
export { loginTo } from "./demo-login.ts";
export { freePort } from "./free-port.ts";
export {
  killAll,
  type LogLine,
  type NodeProcess,
  type NodeProcessOptions,
  type ProcessEnd,
  startNodeProcess,
} from "./node-process.ts";
export { RecordingSpan } from "./recording-span.ts";
export {
  type ListeningService,
  type ServiceName,
  startListeningService,
  startService,
  traceExportEnv,
} from "./service-process.ts";
export { descendants, type SpanInTree } from "./span-tree.ts";
export { waitFor } from "./wait-for.ts";
