import { context, type Meter, metrics } from "@opentelemetry/api";
import { DependencyError, toRetryAfterSeconds, withoutStackTrace } from "@tracemesh/errors";
import { isTaskCancelledError, TaskCancelledError, TimeoutStrategy, timeout } from "cockatiel";
import { createBulkhead } from "./bulkhead.ts";
import { createCallRetry, type RetryOptions } from "./call-retry.ts";
import type { Deadline } from "./deadline.ts";
import {
  type BreakerLogger,
  type BreakerOptions,
  createDependencyBreaker,
} from "./dependency-breaker.ts";
import { isDependencyFailure, rejectionReason } from "./dependency-failure.ts";
import { type BreakerStateName, createDependencyMetrics } from "./dependency-metrics.ts";
import { type BufferedAnswer, type ReadAnswer, runAttempt, toResponse } from "./http-attempt.ts";
import { prepareRequest } from "./prepared-request.ts";
import { relayedRetryAfterSeconds } from "./retry-after.ts";
import { BudgetExhaustedError, UpstreamFailure } from "./upstream-failure.ts";

export interface DependencyClientOptions {
  /** Logical name in errors, metrics and logs (`auth`): never a host or URL. */
  name: string;
  baseUrl: string;
  /** @default { attemptMs: 2000, totalMs: 5000 } */
  timeouts?: { attemptMs?: number; totalMs?: number };
  /** Concurrent calls, and calls waiting for a slot; beyond both, calls fail at once. @default { limit: 32, queue: 32 } */
  bulkhead?: { limit?: number; queue?: number };
  retry?: RetryOptions;
  breaker?: BreakerOptions;
  /** Subtracted from the budget forwarded downstream, for the way back. @default 50 */
  marginMs?: number;
  /** No attempt starts with less time left than this. @default 100 */
  minBudgetMs?: number;
  /** @default "X-Request-Timeout-Ms" */
  budgetHeader?: string;
  /**
   * The most of a response body read (decoded bytes); a longer body is cut off and the attempt
   * fails as the dependency's (DependencyError 503), never buffered whole. @default 1048576 (1 MiB)
   */
  maxResponseBytes?: number;
  /** @default the global fetch, which the OpenTelemetry undici instrumentation traces */
  fetch?: typeof fetch;
  logger?: BreakerLogger;
  /** @default the global meter provider's "@tracemesh/resilience" meter */
  meter?: Meter;
}

export interface DependencyRequest {
  method: string;
  /** Path and query under the client's baseUrl. */
  path: string;
  /** A string is sent as is; anything else as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
  deadline: Deadline;
  /** Whether a failed attempt may be repeated. @default true for GET, HEAD, OPTIONS, PUT, DELETE */
  idempotent?: boolean;
  /**
   * Upstream 4xx this call gives a meaning of its own (404 for "no such user"): thrown as the
   * contract error of that status, for the caller to catch. 401, 403 and 429 always keep their
   * meaning; any other 4xx is an integration fault of ours, INTERNAL_ERROR. @default []
   */
  meaningfulStatuses?: readonly number[];
}

export interface JsonRequest<T> extends DependencyRequest {
  /**
   * The answer as the caller uses it, or undefined for a body that is no answer it can use (the
   * wrong shape, another question's). @default every JSON body, as parsed
   */
  usable?: (body: unknown) => T | undefined;
}

export interface DependencyClient {
  readonly name: string;
  /**
   * The 1xx–3xx response (never a redirect: those fail), its body already read; throws
   * DependencyError or the AppError an upstream 4xx means.
   */
  request(request: DependencyRequest): Promise<Response>;
  /**
   * Like `request`, with the body parsed as JSON (undefined when empty) and, given `usable`,
   * taken as the caller can use it; without it, `unknown` to validate before use. A body that
   * is not JSON, or that `usable` refuses, fails the attempt as the dependency's (outcome
   * `invalid_answer`): its breaker counts it, and it is not retried, as it would only come again.
   */
  requestJson<T>(request: JsonRequest<T> & Required<Pick<JsonRequest<T>, "usable">>): Promise<T>;
  requestJson(request: JsonRequest<unknown>): Promise<unknown>;
  breakerState(): BreakerStateName;
}

// As Response.text() decodes: a BOM dropped, invalid bytes become U+FFFD.
const LENIENT_UTF8 = new TextDecoder();

// Parsed from the bytes already read: a Response's text() would stream them once more.
function jsonReader<T>(usable: ((body: unknown) => T | undefined) | undefined): ReadAnswer {
  return (payload) => {
    const text = LENIENT_UTF8.decode(payload);
    let body: unknown;
    try {
      body = text === "" ? undefined : JSON.parse(text);
    } catch {
      return undefined;
    }
    if (usable === undefined) return { value: body };
    const value = usable(body);
    return value === undefined ? undefined : { value };
  };
}

interface CallState {
  lastRetryAfterMs: number | undefined;
  /**
   * The last attempt's failure of the dependency's: once one failed so, whatever ends the call,
   * the dependency is to blame.
   */
  lastFailure: UpstreamFailure | undefined;
}

/**
 * An HTTP client for one dependency (docs/architecture.md#deadlines-and-resilience): bulkhead →
 * total timeout → retry → circuit breaker → attempt timeout, bounded by the caller's deadline,
 * failures mapped to the contract.
 */
export function createDependencyClient(options: DependencyClientOptions): DependencyClient {
  const {
    name,
    marginMs = 50,
    minBudgetMs = 100,
    budgetHeader = "X-Request-Timeout-Ms",
    maxResponseBytes = 1_048_576,
  } = options;
  const { attemptMs = 2_000, totalMs = 5_000 } = options.timeouts ?? {};
  const { limit = 32, queue = 32 } = options.bulkhead ?? {};
  const { maxAttempts = 3, initialDelayMs = 50, maxDelayMs = 1_000 } = options.retry ?? {};
  const send = options.fetch ?? ((input, init) => fetch(input, init));
  const baseUrl = options.baseUrl.replace(/\/+$/, "");
  const admission = createBulkhead(limit, queue);
  const breaker = createDependencyBreaker(name, options.breaker, options.logger);
  // An attempt returns with its body read and the retry policy after its last attempt: nothing is
  // left to cancel on return, and aborting anyway builds a DOMException with its stack each time
  // (two a call, some 2 % of todo-api's CPU on GET /v1/todos under load). A timeout still aborts.
  const attemptTimeout = timeout(attemptMs, {
    strategy: TimeoutStrategy.Cooperative,
    abortOnReturn: false,
  });
  const meter = options.meter ?? metrics.getMeter("@tracemesh/resilience");
  // An open breaker whose wait is over lets the next call through as a trial: half-open for the
  // gauge, so an idle service whose dependency recovered does not look broken until a call comes.
  const gaugeState = () => (breaker.remainingOpenMs() === 0 ? "half-open" : breaker.state());
  const instruments = createDependencyMetrics(name, meter, gaugeState);

  function runCall(
    input: DependencyRequest,
    call: CallState,
    readAnswer: ReadAnswer | undefined,
  ): Promise<BufferedAnswer> {
    const prepared = prepareRequest(baseUrl, input);
    const totalExpiresAt = Date.now() + Math.min(input.deadline.remainingMs(), totalMs);
    const remainingMs = () => Math.min(input.deadline.remainingMs(), totalExpiresAt - Date.now());
    const callRetry = createCallRetry({
      maxAttempts,
      initialDelayMs,
      maxDelayMs,
      minBudgetMs,
      remainingMs,
      refusedForMs: breaker.refusedForMs,
      idempotent: prepared.idempotent,
    });
    callRetry.onRetry(() => instruments.countRetry());
    const total = timeout(Math.max(0, remainingMs()), {
      strategy: TimeoutStrategy.Aggressive,
      abortOnReturn: false,
    });
    return total.execute(
      ({ signal: totalSignal }) =>
        callRetry.execute(({ signal: retrySignal }) => {
          const leftMs = remainingMs();
          // The retry only waits when the next attempt fits; a wait that ran long (a busy event
          // loop) ends the call with what the dependency did, not with our budget.
          if (leftMs < minBudgetMs)
            throw call.lastFailure ?? new BudgetExhaustedError(name, leftMs);
          const attempt = ({ signal }: { signal: AbortSignal }) =>
            runAttempt({
              ...prepared,
              dependency: name,
              fetch: send,
              signal,
              callSignal: retrySignal,
              attemptMs,
              meaningfulStatuses: input.meaningfulStatuses ?? [],
              budgetHeader,
              budgetMs: Math.max(1, Math.floor(Math.min(leftMs, attemptMs) - marginMs)),
              maxResponseBytes,
              readAnswer,
              metrics: instruments,
            }).catch((error: unknown) => {
              if (error instanceof UpstreamFailure) {
                call.lastFailure = error;
                if (error.retryAfterMs !== undefined) call.lastRetryAfterMs = error.retryAfterMs;
              }
              throw error;
            });
          return breaker.execute(
            ({ signal }) => attemptTimeout.execute(attempt, signal),
            retrySignal,
          );
        }, totalSignal),
      input.deadline.signal,
    );
  }

  function toFailure(error: unknown, call: CallState): unknown {
    const reason = rejectionReason(error);
    if (reason !== undefined) instruments.countRejection(reason);
    if (!isDependencyFailure(error)) return error;
    const openMs = breaker.remainingOpenMs();
    // The breaker's wait is our own setting; an upstream's Retry-After is capped before we relay
    // it. Neither known: DependencyError's default, and `retryAfterKnown` false.
    const retryAfterSeconds =
      openMs !== undefined
        ? toRetryAfterSeconds(openMs)
        : call.lastRetryAfterMs !== undefined
          ? relayedRetryAfterSeconds(call.lastRetryAfterMs)
          : undefined;
    // No time left, or cut short, with no failure of the dependency's seen: the caller's deadline.
    const deadlineExceeded =
      call.lastFailure === undefined &&
      (error instanceof BudgetExhaustedError || isTaskCancelledError(error));
    const failure = () =>
      new DependencyError({
        dependency: name,
        ...(retryAfterSeconds !== undefined && { retryAfterSeconds }),
        deadlineExceeded,
        cause: error,
      });
    // A call refused before any attempt reached the dependency gets no stack: it would be the
    // same for each of an outage's refusals, thousands a second (docs/architecture.md).
    return reason === undefined || call.lastFailure !== undefined
      ? failure()
      : withoutStackTrace(failure);
  }

  /** One call through the policies: the upstream's answer, its body read, or the failure. */
  async function callThroughPolicies(
    input: DependencyRequest,
    readAnswer?: ReadAnswer,
  ): Promise<BufferedAnswer> {
    const call: CallState = {
      lastRetryAfterMs: undefined,
      lastFailure: undefined,
    };
    // Queued calls run when another call frees a slot, in that call's context: bind them to
    // the caller's, so each attempt's client span is a child of the caller's span.
    const run = context.bind(context.active(), () => runCall(input, call, readAnswer));
    try {
      const leftMs = input.deadline.remainingMs();
      if (leftMs < minBudgetMs) throw new BudgetExhaustedError(name, leftMs);
      // Given up while queued: out of time (counted as budget_exhausted), or cancelled, its
      // request abandoned with time left, as a call already running would be (no rejection).
      return await admission.execute(run, input.deadline.signal, () =>
        input.deadline.remainingMs() > 0
          ? new TaskCancelledError(`${name}: cancelled while waiting for a slot`)
          : new BudgetExhaustedError(name, 0),
      );
    } catch (error) {
      throw toFailure(error, call);
    }
  }

  async function request(input: DependencyRequest): Promise<Response> {
    return toResponse(await callThroughPolicies(input));
  }

  async function requestJson(input: JsonRequest<unknown>): Promise<unknown> {
    return (await callThroughPolicies(input, jsonReader(input.usable))).value;
  }

  return { name, request, requestJson, breakerState: breaker.state };
}
