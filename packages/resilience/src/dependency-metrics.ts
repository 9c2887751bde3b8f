import type { Meter } from "@opentelemetry/api";

export type AttemptOutcome =
  | "success"
  | "client_error"
  | "server_error"
  | "timeout"
  | "connection_error"
  /** A body over the client's maxResponseBytes, cut off: the dependency's fault, like a 5xx. */
  | "response_too_large"
  /** A redirect (301, 302, 303, 307, 308), not followed: the dependency's fault, like a 5xx. */
  | "redirected"
  /** A 2xx whose body is no answer the caller can use (not JSON, the wrong shape): like a 5xx. */
  | "invalid_answer"
  /** Cut short by the caller's deadline or the call's total timeout: not the dependency's fault. */
  | "cancelled";
export type RejectionReason = "breaker_open" | "bulkhead_full" | "budget_exhausted";
export type BreakerStateName = "closed" | "half-open" | "open";

const BREAKER_GAUGE_VALUE: Record<BreakerStateName, number> = {
  closed: 0,
  "half-open": 1,
  open: 2,
};

export interface DependencyMetrics {
  recordAttempt(outcome: AttemptOutcome, durationMs: number): void;
  countRejection(reason: RejectionReason): void;
  countRetry(): void;
}

/**
 * The per-dependency instruments: breaker state gauge (0 closed, 1 half-open, 2 open),
 * rejections by reason, retries, and attempt latency by outcome.
 */
export function createDependencyMetrics(
  dependency: string,
  meter: Meter,
  breakerState: () => BreakerStateName,
): DependencyMetrics {
  const gauge = meter.createObservableGauge("tracemesh.dependency.breaker.state", {
    description: "Circuit breaker state per dependency: 0 closed, 1 half-open, 2 open.",
  });
  gauge.addCallback((result) => {
    result.observe(BREAKER_GAUGE_VALUE[breakerState()], { dependency });
  });
  const rejections = meter.createCounter("tracemesh.dependency.rejections", {
    description: "Outbound calls refused before reaching the dependency, by reason.",
  });
  const retries = meter.createCounter("tracemesh.dependency.retries", {
    description: "Outbound attempts that were retries of a failed attempt.",
  });
  const attempts = meter.createHistogram("tracemesh.dependency.attempt.duration", {
    description: "Duration of each outbound HTTP attempt, by dependency and outcome.",
    unit: "s",
    advice: { explicitBucketBoundaries: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] },
  });
  return {
    recordAttempt: (outcome, durationMs) =>
      attempts.record(durationMs / 1000, { dependency, outcome }),
    countRejection: (reason) => rejections.add(1, { dependency, reason }),
    countRetry: () => retries.add(1, { dependency }),
  };
}
