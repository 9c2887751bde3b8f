import { TaskCancelledError } from "cockatiel";
import { ResponseTooLargeError, readBoundedBody } from "./bounded-body.ts";
import type { DependencyMetrics } from "./dependency-metrics.ts";
import { parseRetryAfterMs } from "./retry-after.ts";
import { upstreamClientError } from "./upstream-client-error.ts";
import { UpstreamFailure } from "./upstream-failure.ts";

export interface AttemptInput {
  dependency: string;
  fetch: typeof fetch;
  url: string;
  method: string;
  headers: Headers;
  body: string | undefined;
  /** Aborts at the attempt timeout, the call's total timeout or the deadline, whichever is first. */
  signal: AbortSignal;
  /** Aborts when the call as a whole ends: the caller's deadline or the call's total timeout. */
  callSignal: AbortSignal;
  /** The dependency's own limit on one attempt: the only timeout that is the dependency's fault. */
  attemptMs: number;
  /** 4xx statuses this call interprets itself (see DependencyRequest). */
  meaningfulStatuses: readonly number[];
  /** Header that tells the dependency its budget (X-Request-Timeout-Ms). */
  budgetHeader: string;
  /** The budget the dependency is told it has, already minus the safety margin. */
  budgetMs: number;
  /** The most of the response body read; a longer one fails the attempt. */
  maxResponseBytes: number;
  /** What the caller takes from an answer's body (a 2xx, or a 300, 304 or 305 that is no
   * redirect); without it, the bytes as they are. */
  readAnswer?: ReadAnswer | undefined;
  metrics: DependencyMetrics;
}

/** A body as the caller takes it, `{ value }`, or undefined when it is no answer it can use. */
export type ReadAnswer = (payload: ArrayBuffer) => { value: unknown } | undefined;

/** An upstream's answer, its body already read: what an attempt returns. */
export interface BufferedAnswer {
  status: number;
  statusText: string;
  headers: Headers;
  payload: ArrayBuffer;
  /** What `readAnswer` took from the body, when the call had one. */
  value?: unknown;
}

// Statuses whose responses cannot carry a body: the Response constructor rejects one.
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/** The answer as a Response over the already-read body, safe to hand on or re-send. */
export function toResponse(answer: BufferedAnswer): Response {
  const headers = new Headers(answer.headers);
  // fetch already decoded the body: these would describe bytes that no longer exist.
  headers.delete("content-encoding");
  headers.delete("content-length");
  const { status, statusText, payload } = answer;
  const body = NULL_BODY_STATUSES.has(status) || payload.byteLength === 0 ? null : payload;
  return new Response(body, { status, statusText, headers });
}

/**
 * Whether an aborted attempt was cut short by its caller rather than timed out: the call ended
 * (deadline, total timeout) before the attempt had used its own limit. A dependency that answers
 * within its limit is healthy, however little time the caller gave it.
 */
function cutShortByCaller(input: AttemptInput, elapsedMs: number): boolean {
  return input.callSignal.aborted && elapsedMs < input.attemptMs;
}

// The statuses fetch would follow (the Fetch standard's redirect statuses).
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** fetch's failure for a redirect under `redirect: "error"` (undici: "unexpected redirect"). */
function isRefusedRedirect(error: unknown): boolean {
  return (
    error instanceof TypeError &&
    error.cause instanceof Error &&
    error.cause.message === "unexpected redirect"
  );
}

/** What an exchange that threw (no answer, a cut-off body) becomes, recorded as its outcome. */
function failedExchange(input: AttemptInput, error: unknown, elapsedMs: number): Error {
  const { dependency, metrics } = input;
  // Checked first: the dependency's answer was at fault, whatever else happened meanwhile.
  if (error instanceof ResponseTooLargeError) {
    metrics.recordAttempt("response_too_large", elapsedMs);
    return new UpstreamFailure(dependency, "response_too_large", { cause: error });
  }
  if (isRefusedRedirect(error)) {
    metrics.recordAttempt("redirected", elapsedMs);
    return new UpstreamFailure(dependency, "redirected", { cause: error });
  }
  if (cutShortByCaller(input, elapsedMs)) {
    metrics.recordAttempt("cancelled", elapsedMs);
    return new TaskCancelledError(
      `${dependency}: attempt cut short by the call's deadline or total timeout`,
    );
  }
  const kind = input.signal.aborted ? "timeout" : "connection_error";
  metrics.recordAttempt(kind, elapsedMs);
  return new UpstreamFailure(dependency, kind, { cause: error });
}

/**
 * One HTTP exchange, body included (up to maxResponseBytes), so the attempt timeout bounds all
 * of it. Failures the dependency is to blame for become UpstreamFailure; an attempt the caller
 * cut short becomes cockatiel's TaskCancelledError, which neither the breaker nor the retry
 * policy handles; a 4xx becomes the AppError it means.
 */
export async function runAttempt(input: AttemptInput): Promise<BufferedAnswer> {
  const { dependency, metrics, signal } = input;
  const headers = new Headers(input.headers);
  headers.set(input.budgetHeader, String(input.budgetMs));
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  let response: Response;
  let payload: ArrayBuffer;
  try {
    response = await input.fetch(input.url, {
      method: input.method,
      headers,
      body: input.body,
      signal,
      // Never followed: it would send the request, its credentials included, wherever the
      // dependency points, and a redirect of an API call is a misconfiguration that only comes
      // again. fetch also copies every request it may redirect (its body stream teed): 9–17 %
      // of todo-api's CPU on a read with telemetry on. fetch tells no status, only the failure.
      redirect: "error",
    });
    payload = await readBoundedBody(response, input.maxResponseBytes);
  } catch (error) {
    throw failedExchange(input, error, elapsed());
  }
  // A fetch of the caller's own (the `fetch` option) may not honour `redirect: "error"`.
  if (REDIRECT_STATUSES.has(response.status)) {
    metrics.recordAttempt("redirected", elapsed());
    throw new UpstreamFailure(dependency, "redirected", { status: response.status });
  }
  if (response.status >= 500) {
    metrics.recordAttempt("server_error", elapsed());
    throw new UpstreamFailure(dependency, "server_error", {
      status: response.status,
      retryAfterMs: parseRetryAfterMs(response.headers.get("retry-after")),
    });
  }
  if (response.status >= 400) {
    metrics.recordAttempt("client_error", elapsed());
    throw upstreamClientError(dependency, response, payload, input.meaningfulStatuses);
  }
  const { status, statusText, headers: answerHeaders } = response;
  // Within the attempt: a dependency answering what no caller can use (a proxy's HTML page, a
  // decision about another question) fails like a 5xx, for its breaker and its metrics.
  const read = input.readAnswer === undefined ? { value: undefined } : input.readAnswer(payload);
  if (read === undefined) {
    metrics.recordAttempt("invalid_answer", elapsed());
    throw new UpstreamFailure(dependency, "invalid_answer", { status });
  }
  metrics.recordAttempt("success", elapsed());
  return { status, statusText, headers: answerHeaders, payload, value: read.value };
}
