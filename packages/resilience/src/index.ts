export {
  MAX_BEARER_TOKEN_LENGTH,
  parseBearerToken,
  type RequireBearerSecretOptions,
  requireBearerSecret,
} from "./bearer-credentials.ts";
export type { RetryOptions } from "./call-retry.ts";
export { createDeadline, type Deadline } from "./deadline.ts";
export { type DeadlineOptions, deadline, parseTimeoutHeader } from "./deadline-middleware.ts";
export type { BreakerLogger, BreakerOptions } from "./dependency-breaker.ts";
export {
  createDependencyClient,
  type DependencyClient,
  type DependencyClientOptions,
  type DependencyRequest,
} from "./dependency-client.ts";
export type { AttemptOutcome, BreakerStateName, RejectionReason } from "./dependency-metrics.ts";
export { parseRetryAfterMs } from "./retry-after.ts";
