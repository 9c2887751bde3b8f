// Light on purpose: errors and logger import this entry, so it never loads the OpenTelemetry SDK
// (that is the preload's job, `@tracemesh/telemetry/preload`).
export {
  type HttpServerOptions,
  type RunningHttpServer,
  type ServerLogger,
  startHttpServer,
} from "./http-server.ts";
export { matchedRoute } from "./matched-route.ts";
export {
  type RequestContextOptions,
  type RequestIdentity,
  requestContext,
  resolveRequestIdentity,
  safeRequestId,
  traceIdOf,
} from "./request-context.ts";
export type {
  RejectionReason,
  RejectionResponder,
  RequestRejection,
} from "./request-rejection.ts";
export { routeName } from "./route-name.ts";
export { type ShutdownTelemetryOptions, shutdownTelemetry } from "./telemetry-shutdown.ts";
