import {
  DelegateBackoff,
  decorrelatedJitterGenerator,
  ExponentialBackoff,
  handleWhen,
  type IBackoff,
  type RetryPolicy,
  retry,
} from "cockatiel";
import { UpstreamFailure, wouldRecur } from "./upstream-failure.ts";

export interface RetryOptions {
  /** Attempts per call, the first included. @default 3 */
  maxAttempts?: number;
  /** Scale of the decorrelated-jitter backoff. @default 50 */
  initialDelayMs?: number;
  /** Cap of the backoff (an upstream Retry-After may ask for longer). @default 1000 */
  maxDelayMs?: number;
}

export interface CallRetryOptions extends Required<RetryOptions> {
  idempotent: boolean;
  minBudgetMs: number;
  /** Time left for this call, read when deciding whether another attempt still fits. */
  remainingMs: () => number;
  /** How long the breaker will still refuse attempts (`DependencyBreaker.refusedForMs`). */
  refusedForMs: () => number;
}

/**
 * The retry policy of one call. It retries only idempotent calls, only failures the dependency
 * is to blame for but a body over the limit (the same request gets the same answer), after
 * max(decorrelated jitter, upstream Retry-After), and only when the attempt after the wait
 * would go out: with at least `minBudgetMs` left, and not into a breaker still open then (the
 * failure that opened it would otherwise wait only to be refused).
 */
export function createCallRetry(options: CallRetryOptions): RetryPolicy {
  const { idempotent, maxAttempts, initialDelayMs, maxDelayMs } = options;
  const { minBudgetMs, remainingMs, refusedForMs } = options;
  const jitter = new ExponentialBackoff({
    generator: decorrelatedJitterGenerator,
    initialDelay: initialDelayMs,
    maxDelay: maxDelayMs,
  });
  let backoff: IBackoff<unknown> | undefined;
  let failedAttempts = 0;
  let nextDelayMs = 0;
  // Deciding here, where the failure is known, lets the wait honour the upstream's Retry-After
  // and keeps cockatiel from sleeping into a deadline it cannot meet.
  const shouldRetry = (error: unknown): boolean => {
    if (!idempotent || !(error instanceof UpstreamFailure)) return false;
    if (wouldRecur(error)) return false;
    failedAttempts += 1;
    if (failedAttempts >= maxAttempts) return false;
    backoff = backoff ? backoff.next(undefined) : jitter.next();
    nextDelayMs = Math.max(backoff.duration, error.retryAfterMs ?? 0);
    return remainingMs() - nextDelayMs >= minBudgetMs && refusedForMs() <= nextDelayMs;
  };
  return retry(handleWhen(shouldRetry), {
    maxAttempts: maxAttempts - 1,
    backoff: new DelegateBackoff(() => nextDelayMs),
  });
}
