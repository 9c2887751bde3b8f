import { isBrokenCircuitError, isBulkheadRejectedError, isTaskCancelledError } from "cockatiel";
import type { RejectionReason } from "./dependency-metrics.ts";
import { BudgetExhaustedError, UpstreamFailure } from "./upstream-failure.ts";

/** Why a call never reached the dependency, for the rejections counter; undefined if it did. */
export function rejectionReason(error: unknown): RejectionReason | undefined {
  if (isBrokenCircuitError(error)) return "breaker_open";
  if (isBulkheadRejectedError(error)) return "bulkhead_full";
  if (error instanceof BudgetExhaustedError) return "budget_exhausted";
  return undefined;
}

/**
 * Whether an error means "the dependency is unavailable" (timeout, no connection, 5xx, open
 * breaker, full bulkhead, no time left) rather than a bug of ours or an upstream 4xx.
 */
export function isDependencyFailure(error: unknown): boolean {
  return (
    error instanceof UpstreamFailure ||
    isTaskCancelledError(error) ||
    rejectionReason(error) !== undefined
  );
}
