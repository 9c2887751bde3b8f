export type { RetryOptions } from "./call-retry.ts";
export { createDeadline, type Deadline } from "./deadline.ts";
export type { BreakerLogger, BreakerOptions } from "./dependency-breaker.ts";
export {
  createDependencyClient,
  type DependencyClient,
  type DependencyClientOptions,
  type DependencyRequest,
  type JsonRequest,
} from "./dependency-client.ts";
export type { AttemptOutcome, BreakerStateName, RejectionReason } from "./dependency-metrics.ts";
export { parseRetryAfterMs } from "./retry-after.ts";
