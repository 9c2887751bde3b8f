import { flattenOtlpTrace, type TraceSpan } from "./otlp-trace.ts";

/** How long `fetchTrace` waits for an answer unless told otherwise. */
export const TRACE_QUERY_TIMEOUT_MS = 5000;

export interface FetchTraceOptions {
  /**
   * Query API base URL, path included: Jaeger (16686) or the local OTLP sink (4318), both speak
   * API v3.
   */
  baseUrl: string;
  /** @default TRACE_QUERY_TIMEOUT_MS */
  timeoutMs?: number;
}

/** A query API that answered, but neither the trace nor Jaeger's "trace not found". */
export class TraceQueryError extends Error {
  override name = "TraceQueryError";
}

/** The message of Jaeger's error body (`{"error":{"httpCode":…,"message":…}}`), if it is one. */
function jaegerErrorMessage(body: string): string | undefined {
  try {
    const { error } = JSON.parse(body) as { error?: { message?: unknown } };
    if (typeof error !== "object" || error === null) return undefined;
    return typeof error.message === "string" ? error.message : "";
  } catch {
    return undefined;
  }
}

/**
 * Fetches one trace from a Jaeger-compatible query API v3; undefined when it answers that it does
 * not have the trace. Rejects with TraceQueryError when something else answered (an error, or a
 * server that is no query API: a 404 without Jaeger's error body), and as fetch does when
 * nothing answers (a TypeError, or a TimeoutError after `timeoutMs`).
 */
export async function fetchTrace(
  traceId: string,
  options: FetchTraceOptions,
): Promise<TraceSpan[] | undefined> {
  const { baseUrl, timeoutMs = TRACE_QUERY_TIMEOUT_MS } = options;
  // Under the base URL's path, as the dependency client joins them: a Jaeger served under a
  // base path (`--query.base-path`) keeps it.
  const url = new URL(
    `${baseUrl.replace(/\/+$/, "")}/api/v3/traces/${encodeURIComponent(traceId)}`,
  );
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  const body = await response.text();
  const errorMessage = jaegerErrorMessage(body);
  if (response.status === 404 && errorMessage !== undefined) return undefined;
  if (!response.ok) {
    // Jaeger's error body says why, when it has a message; any other body is no query API's.
    const why =
      errorMessage === undefined
        ? " (not a Jaeger query API v3?)"
        : errorMessage && `: ${errorMessage}`;
    throw new TraceQueryError(`${url.pathname} answered ${response.status}${why}`);
  }
  let document: unknown;
  try {
    document = JSON.parse(body);
  } catch {
    throw new TraceQueryError(
      `${url.pathname} answered a body that is not JSON (not a Jaeger query API v3?)`,
    );
  }
  try {
    return flattenOtlpTrace(document);
  } catch (error) {
    throw new TraceQueryError(`${url.pathname} answered no OTLP trace: ${String(error)}`);
  }
}
