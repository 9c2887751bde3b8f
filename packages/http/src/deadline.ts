import { createDeadline, type Deadline } from "@tracemesh/resilience";
import type { MiddlewareHandler } from "hono";

declare module "hono" {
  interface ContextVariableMap {
    /** This request's deadline: its budget, shortened by the caller's X-Request-Timeout-Ms. */
    deadline: Deadline;
  }
}

export interface DeadlineOptions {
  /** The most time this service spends on one request. @default 10000 */
  budgetMs?: number;
  /** Header through which a caller may shorten the budget. @default "X-Request-Timeout-Ms" */
  headerName?: string;
}

// Whole milliseconds without sign, exponent or leading zeros; ten digits are already 115 days.
const MILLISECONDS = /^(0|[1-9][0-9]{0,9})$/;

/**
 * The caller's remaining budget from the timeout header: 0 means it has none left. A repeated
 * header (`300, 200`, as fetch joins them) counts its smallest valid value: a budget only
 * shrinks along the way, so the smallest is the one still true. Undefined when no value is a
 * whole number of milliseconds.
 */
export function parseTimeoutHeader(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  let smallest: number | undefined;
  for (const each of value.split(",")) {
    const trimmed = each.trim();
    if (!MILLISECONDS.test(trimmed)) continue;
    smallest = Math.min(smallest ?? Number.POSITIVE_INFINITY, Number(trimmed));
  }
  return smallest;
}

// Not hono/timeout: it races the handler against one fixed duration and answers 504, leaving the
// handler running. The contract's budget is per request, only ever shortened by the caller
// (deadline.test.ts "a caller's X-Request-Timeout-Ms shortens the budget", "0 means no time
// left: the deadline has already expired"), and it is handed on: outbound calls read what is
// left and abort on its signal, and a dependency that runs out of it is a 503 naming the
// dependency (dependency-client-hono.test.ts "the caller's shortened budget is what the
// dependency is told, minus the margin").

/**
 * Gives each request a deadline (`c.var.deadline`): the service's budget, or less when the
 * caller says less time is left (0: already expired, so no outbound call starts). A caller can
 * never lengthen it; values that are not whole milliseconds are ignored. A client that closes
 * the connection before the answer ends it at once.
 */
export function deadline(options: DeadlineOptions = {}): MiddlewareHandler {
  const { budgetMs = 10_000, headerName = "X-Request-Timeout-Ms" } = options;
  return async function deadlineMiddleware(c, next) {
    const callerMs = parseTimeoutHeader(c.req.header(headerName));
    // Cancelled too when the client goes away: its outbound calls then stop, and free their
    // bulkhead slots for requests someone still waits for.
    const requestDeadline = createDeadline(
      Math.min(budgetMs, callerMs ?? budgetMs),
      c.req.raw.signal,
    );
    c.set("deadline", requestDeadline);
    try {
      await next();
    } finally {
      requestDeadline.dispose();
    }
  };
}
