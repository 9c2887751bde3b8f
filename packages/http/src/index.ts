export type { Deadline } from "@tracemesh/resilience";
export { CLIENT_CLOSED_REQUEST } from "./abandoned-request.ts";
export { type AccessLogOptions, accessLog } from "./access-log.ts";
export {
  MAX_BEARER_TOKEN_LENGTH,
  parseBearerToken,
  type RequireBearerSecretOptions,
  requireBearerSecret,
} from "./bearer-credentials.ts";
export { type DeadlineOptions, deadline, parseTimeoutHeader } from "./deadline.ts";
export { type ErrorTarget, toErrorResponse } from "./error-response.ts";
export {
  type HttpServerOptions,
  type RunningHttpServer,
  type ServerLogger,
  startHttpServer,
} from "./http-server.ts";
export { type JsonBodyOptions, jsonBody } from "./json-body.ts";
export { matchedRoute } from "./matched-route.ts";
export { negotiateLanguage } from "./negotiation.ts";
export { type NotFoundOptions, notFound } from "./not-found.ts";
export { onError } from "./on-error.ts";
export { rejectionResponse } from "./rejection-response.ts";
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
export { type RunServiceOptions, runService } from "./run-service.ts";
export { createServiceApp, type ServiceAppOptions, type ServiceControls } from "./service-app.ts";
export { type ShutdownEnv, shutdownEnvEntries, shutdownSettings } from "./shutdown-config.ts";
export type { ServerBindings } from "./shutting-down.ts";
export { noControlCharacters } from "./text-checks.ts";
export { validate } from "./validate.ts";
