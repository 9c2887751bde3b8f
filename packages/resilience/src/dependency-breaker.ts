import { diag, trace } from "@opentelemetry/api";
import { withoutStackTrace } from "@tracemesh/errors";
import {
  BrokenCircuitError,
  type CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleType,
  SamplingBreaker,
} from "cockatiel";
import type { BreakerStateName } from "./dependency-metrics.ts";
import { UpstreamFailure } from "./upstream-failure.ts";

export interface BreakerOptions {
  /** Opens after this many failed attempts in a row. @default 5 */
  consecutiveFailures?: number;
  /** Opens on a failure rate over a sliding window instead of consecutive failures. */
  sampling?: { threshold: number; durationMs: number; minimumRps?: number };
  /** How long it stays open before letting one trial call through. @default 5000 */
  halfOpenAfterMs?: number;
}

/** Where breaker state changes are logged: the logger package's Logger fits. */
export interface BreakerLogger {
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
}

export interface DependencyBreaker {
  /**
   * Runs one attempt through the breaker. While open, and while a half-open trial is in flight,
   * it rejects at once with a BrokenCircuitError that has no stack (cockatiel itself would hold
   * every call behind the trial until it ends: up to an attempt's timeout when the dependency is
   * slow).
   */
  execute<T>(
    attempt: (context: { signal: AbortSignal }) => Promise<T>,
    signal: AbortSignal,
  ): Promise<T>;
  state(): BreakerStateName;
  /** Milliseconds until the breaker lets a trial call through; undefined unless open. */
  remainingOpenMs(): number | undefined;
  /**
   * How long `execute` will still refuse attempts: 0 when closed, the remaining open time when
   * open, and Infinity while a trial is in flight (no one can say when it lets them through).
   */
  refusedForMs(): number;
}

function stateName(state: CircuitState): BreakerStateName {
  if (state === CircuitState.Closed) return "closed";
  if (state === CircuitState.HalfOpen) return "half-open";
  return "open";
}

function announce(
  dependency: string,
  from: BreakerStateName,
  to: BreakerStateName,
  logger?: BreakerLogger,
) {
  try {
    trace.getActiveSpan()?.addEvent("dependency.breaker.state_change", {
      "dependency.name": dependency,
      "breaker.previous_state": from,
      "breaker.state": to,
    });
    const fields = { dependency, from, to };
    if (to === "open") logger?.warn("dependency.breaker.state_change", fields);
    else logger?.info("dependency.breaker.state_change", fields);
  } catch (error) {
    // Reporting a state change must never fail the call that caused it.
    diag.warn("resilience: could not report a breaker state change", error);
  }
}

/**
 * The dependency's circuit breaker. Only attempts the dependency is to blame for count as
 * failures (UpstreamFailure: attempt timeout, no connection, 5xx, a body over the limit, a
 * redirect). An attempt its caller cut short (cockatiel's TaskCancelledError) says nothing about
 * the dependency and is not handled; during a half-open trial cockatiel then lets the breaker
 * close, the safer mistake: real failures open it again, while counting it would let any client
 * with a short deadline hold the breaker open.
 */
export function createDependencyBreaker(
  dependency: string,
  options: BreakerOptions = {},
  logger?: BreakerLogger,
): DependencyBreaker {
  const { consecutiveFailures = 5, sampling, halfOpenAfterMs = 5_000 } = options;
  const breaker = sampling
    ? new SamplingBreaker({
        threshold: sampling.threshold,
        duration: sampling.durationMs,
        minimumRps: sampling.minimumRps,
      })
    : new ConsecutiveBreaker(consecutiveFailures);
  const policy = circuitBreaker(handleType(UpstreamFailure), {
    breaker,
    halfOpenAfter: halfOpenAfterMs,
  });
  let current: BreakerStateName = "closed";
  let openedAt = 0;
  policy.onStateChange((state) => {
    const previous = current;
    current = stateName(state);
    if (current === "open") openedAt = openedAtOf(policy);
    announce(dependency, previous, current, logger);
  });
  const remainingOpenMs = () =>
    policy.state === CircuitState.Open
      ? Math.max(0, openedAt + halfOpenAfterMs - Date.now())
      : undefined;
  const refusedForMs = () =>
    policy.state === CircuitState.HalfOpen ? Number.POSITIVE_INFINITY : (remainingOpenMs() ?? 0);
  return {
    execute(attempt, signal) {
      // Refused here rather than by cockatiel, which would hold calls behind a half-open trial
      // (it lasts exactly as long as the trial call) and capture a stack for each refusal.
      if (refusedForMs() > 0)
        return Promise.reject(withoutStackTrace(() => new BrokenCircuitError()));
      return policy.execute(attempt, signal);
    },
    state: () => stateName(policy.state),
    remainingOpenMs,
    refusedForMs,
  };
}

// cockatiel's own moment of opening (its persisted state), so that `execute` refuses exactly while
// cockatiel would and lets the trial through the same millisecond.
function openedAtOf(policy: CircuitBreakerPolicy): number {
  const { ownState } = policy.toJSON() as { ownState: { openedAt?: number } };
  return ownState.openedAt ?? Date.now();
}
