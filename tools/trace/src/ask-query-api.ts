import { fetchTrace, TraceQueryError, type TraceSpan } from "@tracemesh/trace-query";

/** What one query API said when asked for a trace. */
export type QueryAnswer =
  | { baseUrl: string; kind: "found"; spans: TraceSpan[] }
  | { baseUrl: string; kind: "not found" }
  /** Nothing listens there, or nothing answered in time. */
  | { baseUrl: string; kind: "unreachable"; reason: string }
  /** Something answered, but not with the trace or Jaeger's "not found". */
  | { baseUrl: string; kind: "failed"; reason: string };

const TIMEOUT_MS = 5000;

/** Asks the query API v3 at `baseUrl` for the trace; never rejects. */
export async function askQueryApi(traceId: string, baseUrl: string): Promise<QueryAnswer> {
  try {
    const spans = await fetchTrace(traceId, { baseUrl, timeoutMs: TIMEOUT_MS });
    return spans && spans.length > 0
      ? { baseUrl, kind: "found", spans }
      : { baseUrl, kind: "not found" };
  } catch (error) {
    if (error instanceof TraceQueryError) return { baseUrl, kind: "failed", reason: error.message };
    if (error instanceof Error && error.name === "TimeoutError") {
      return { baseUrl, kind: "unreachable", reason: `no answer within ${TIMEOUT_MS / 1000} s` };
    }
    // fetch's TypeError: refused, no such host, reset.
    return { baseUrl, kind: "unreachable", reason: "nothing answers" };
  }
}

/** Why `pnpm trace` found nothing, from every API it asked: a line for each thing to act on. */
export function explainMiss(traceId: string, answers: readonly QueryAnswer[]): string {
  const of = (kind: QueryAnswer["kind"]) => answers.filter((answer) => answer.kind === kind);
  const lines = answers.flatMap((answer) =>
    answer.kind === "failed" ? [`${answer.baseUrl}: ${answer.reason}`] : [],
  );
  const notFound = of("not found").map((answer) => answer.baseUrl);
  if (notFound.length > 0) {
    lines.push(
      `trace ${traceId} not found at ${notFound.join(", ")} (spans are exported every few seconds: try again; a backend keeps only its latest traces)`,
    );
  } else if (lines.length === 0) {
    const tried = of("unreachable").map((answer) =>
      answer.kind === "unreachable" ? `${answer.baseUrl} (${answer.reason})` : answer.baseUrl,
    );
    lines.push(
      `no trace query API answered at ${tried.join(", ")}: start Jaeger or the local sink (pnpm demo), or point TRACE_QUERY_URL at one`,
    );
  }
  return lines.join("\n");
}
