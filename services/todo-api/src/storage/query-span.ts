import { type Attributes, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { recordRedactedException } from "@tracemesh/telemetry";
import { sqlStateOf } from "./database-errors.ts";
import { type QuerySummary, querySpanName } from "./query-summary.ts";

const tracer = trace.getTracer("@tracemesh/todo-api/pglite");

/**
 * Runs one statement inside a CLIENT span following the database semantic conventions,
 * for drivers no instrumentation covers (PGlite). The text is the parameterized statement:
 * values never reach the span.
 */
export async function withQuerySpan<T>(
  text: string,
  summary: QuerySummary,
  run: () => Promise<T>,
): Promise<T> {
  const name = querySpanName(summary);
  const attributes: Attributes = {
    "db.system.name": "postgresql",
    "db.query.text": text,
    "db.query.summary": name,
  };
  if (summary.operation !== undefined) attributes["db.operation.name"] = summary.operation;
  if (summary.collection !== undefined) attributes["db.collection.name"] = summary.collection;
  const span = tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes });
  try {
    return await run();
  } catch (error) {
    const state = sqlStateOf(error);
    if (state !== undefined) span.setAttribute("db.response.status_code", state);
    span.setAttribute("error.type", state ?? (error instanceof Error ? error.name : "Error"));
    recordRedactedException(span, error);
    span.setStatus({ code: SpanStatusCode.ERROR });
    throw error;
  } finally {
    span.end();
  }
}
