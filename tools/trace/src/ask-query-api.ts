import {
  fetchTrace,
  TRACE_QUERY_TIMEOUT_MS,
  TraceQueryError,
  type TraceSpan,
} from "@tracemesh/trace-query";

/** What one query API said when asked for a trace. */
export type QueryAnswer =
  | { baseUrl: string; kind: "found"; spans: TraceSpan[] }
  | { baseUrl: string; kind: "not found" }
  /** Nothing listens there, or nothing answered in time. */
  | { baseUrl: string; kind: "unreachable"; reason: string }
  /** Something answered, but not with the trace or Jaeger's "not found". */
  | { baseUrl: string; kind: "failed"; reason: string };

/** Asks the query API v3 at `baseUrl` for the trace; never rejects. */
export async function askQueryApi(traceId: string, baseUrl: string): Promise<QueryAnswer> {
  try {
    const spans = await fetchTrace(traceId, { baseUrl });
    return spans && spans.length > 0
      ? { baseUrl, kind: "found", spans }
      : { baseUrl, kind: "not found" };
  } catch (error) {
    if (error instanceof TraceQueryError) return { baseUrl, kind: "failed", reason: error.message };
    if (error instanceof Error && error.name === "TimeoutError") {
      const seconds = TRACE_QUERY_TIMEOUT_MS / 1000;
      return { baseUrl, kind: "unreachable", reason: `no answer within ${seconds} s` };
    }
    return { baseUrl, kind: "unreachable", reason: whyUnreachable(error) };
  }
}

/**
 * fetch's TypeError, by its cause: a refused connection is "nothing answers"; anything else (no
 * such host, a TLS mismatch, a reset) says what it was, since starting a backend will not help.
 */
function whyUnreachable(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (cause?.code === "ECONNREFUSED") return "nothing answers";
  const what = typeof cause?.code === "string" ? cause.code : cause?.message;
  return typeof what === "string" ? `unreachable: ${what}` : "nothing answers";
}

/** Why `pnpm trace` found nothing, from every API it asked: a line for each thing to act on. */
export function explainMiss(traceId: string, answers: readonly QueryAnswer[]): string {
  const lines = answers.flatMap((answer) =>
    answer.kind === "failed" ? [`${answer.baseUrl}: ${answer.reason}`] : [],
  );
  const notFound = answers.flatMap((answer) =>
    answer.kind === "not found" ? [answer.baseUrl] : [],
  );
  if (notFound.length > 0) {
    lines.push(
      `trace ${traceId} not found at ${notFound.join(", ")} (spans are exported every few seconds: try again; a backend keeps only its latest traces)`,
    );
  } else if (lines.length === 0) {
    const tried = answers.flatMap((answer) =>
      answer.kind === "unreachable" ? [`${answer.baseUrl} (${answer.reason})`] : [],
    );
    lines.push(
      `no trace query API answered at ${tried.join(", ")}: start Jaeger or the local sink (pnpm demo), or point TRACE_QUERY_URL at one`,
    );
  }
  return lines.join("\n");
}
