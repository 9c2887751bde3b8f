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
  /** Header that tells the dependency its budget (X-Request-Timeout-Ms). */
  budgetHeader: string;
  /** The budget the dependency is told it has, already minus the safety margin. */
  budgetMs: number;
  metrics: DependencyMetrics;
}

// Statuses whose responses cannot carry a body: the Response constructor rejects one.
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/** A copy of the upstream response over the already-read body, safe to hand on or re-send. */
function bufferedResponse(response: Response, payload: ArrayBuffer): Response {
  const headers = new Headers(response.headers);
  // fetch already decoded the body: these would describe bytes that no longer exist.
  headers.delete("content-encoding");
  headers.delete("content-length");
  const body = NULL_BODY_STATUSES.has(response.status) || payload.byteLength === 0 ? null : payload;
  return new Response(body, { status: response.status, statusText: response.statusText, headers });
}

/**
 * One HTTP exchange, body included, so the attempt timeout bounds all of it. Failures the
 * dependency is to blame for become UpstreamFailure; a 4xx becomes the AppError it means.
 */
export async function runAttempt(input: AttemptInput): Promise<Response> {
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
    });
    payload = await response.arrayBuffer();
  } catch (error) {
    const kind = signal.aborted ? "timeout" : "connection_error";
    metrics.recordAttempt(kind, elapsed());
    throw new UpstreamFailure(dependency, kind, { cause: error });
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
    throw upstreamClientError(dependency, response, payload);
  }
  metrics.recordAttempt("success", elapsed());
  return bufferedResponse(response, payload);
}
