import type { MiddlewareHandler } from "hono";
import { createDeadline, type Deadline } from "./deadline.ts";

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

const POSITIVE_INTEGER = /^[1-9][0-9]{0,9}$/;

/** The caller's remaining budget from the timeout header; undefined unless a positive integer. */
export function parseTimeoutHeader(value: string | undefined): number | undefined {
  const trimmed = value?.trim();
  return trimmed !== undefined && POSITIVE_INTEGER.test(trimmed) ? Number(trimmed) : undefined;
}

/**
 * Gives each request a deadline (`c.var.deadline`): the service's budget, or less when the
 * caller says less time is left. A caller can never lengthen it; invalid values are ignored.
 */
export function deadline(options: DeadlineOptions = {}): MiddlewareHandler {
  const { budgetMs = 10_000, headerName = "X-Request-Timeout-Ms" } = options;
  return async function deadlineMiddleware(c, next) {
    const callerMs = parseTimeoutHeader(c.req.header(headerName));
    c.set("deadline", createDeadline(Math.min(budgetMs, callerMs ?? budgetMs)));
    await next();
  };
}
