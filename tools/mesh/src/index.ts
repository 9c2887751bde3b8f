// The local mesh: what `pnpm demo`, the load scripts and the end-to-end tests run against.
export {
  type AlertmanagerServer,
  COMPOSE_NOTIFIER_ORIGIN,
  localAlertmanagerConfig,
  prepareLocalAlertmanagerConfig,
} from "./alertmanager-server.ts";
export { answersOk, type BackgroundProgram, startBackgroundProgram } from "./background-program.ts";
export { type DemoSecrets, readDemoSecrets } from "./demo-secrets.ts";
export { findProgram } from "./find-program.ts";
export { answers as acceptsConnections, reservePort } from "./local-port.ts";
export type { LogLine } from "./log-file.ts";
export { type NatsBackend, openNats } from "./nats-server.ts";
export {
  localTargetFile,
  type PrometheusServer,
  prepareLocalConfig,
  type ScrapeTarget,
} from "./prometheus-server.ts";
export { OBSERVABILITY_DIR, REPO_ROOT } from "./repo-paths.ts";
export { assertServicePortsFree } from "./service-ports.ts";
export { type ServiceProcess, startServiceProcess } from "./service-process.ts";
export {
  type AlertingMode,
  DEFAULT_PORTS,
  type Mesh,
  type MeshOptions,
  type MeshPorts,
  type ServiceName,
  startMesh,
} from "./start-mesh.ts";
export { INTERRUPTED_EXIT_CODE, STOP_SIGNALS, stopOnSignals } from "./stop-on-signals.ts";
export type { TraceBackend } from "./trace-backend.ts";
