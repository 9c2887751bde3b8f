import { flattenOtlpTrace, type TraceSpan } from "./otlp-trace.ts";

export interface FetchTraceOptions {
  /** Query API base URL: Jaeger (16686) or the local OTLP sink (4318), both speak API v3. */
  baseUrl: string;
  /** @default 5000 */
  timeoutMs?: number;
}

/** Fetches one trace from a Jaeger-compatible query API v3; undefined when it is unknown. */
export async function fetchTrace(
  traceId: string,
  options: FetchTraceOptions,
): Promise<TraceSpan[] | undefined> {
  const { baseUrl, timeoutMs = 5000 } = options;
  const url = new URL(`/api/v3/traces/${encodeURIComponent(traceId)}`, baseUrl);
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (response.status === 404) return undefined;
  if (!response.ok) throw new Error(`query API answered ${response.status} for trace ${traceId}`);
  return flattenOtlpTrace(await response.json());
}
