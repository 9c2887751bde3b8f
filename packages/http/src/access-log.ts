import type { Logger } from "@tracemesh/logger";
import type { Context, MiddlewareHandler } from "hono";
import { CLIENT_CLOSED_REQUEST, isAbandonment } from "./abandoned-request.ts";
import { matchedRoute } from "./matched-route.ts";

declare module "hono" {
  interface ContextVariableMap {
    /** The request's logger: its lines carry the request's requestId, traceId and spanId. */
    logger: Logger;
  }
}

export interface AccessLogOptions {
  /** The service logger the per-request child loggers derive from. */
  logger: Logger;
}

/**
 * Gives each request a child logger (`c.var.logger`) and writes one `http.request` line when it
 * ends: method, route template, status (499 for a request abandoned before its answer, see
 * abandoned-request.ts), duration, errorCode, and the error with its stack for a 5xx. Mount after `requestContext()`. Bodies and headers are
 * never logged.
 */
export function accessLog(options: AccessLogOptions): MiddlewareHandler {
  const { logger } = options;
  return async function accessLogMiddleware(c, next) {
    const started = performance.now();
    const child = logger.child(
      definedOnly({
        requestId: c.var.requestId,
        traceId: c.var.traceId,
        spanId: c.var.spanId,
      }),
    );
    c.set("logger", child);
    try {
      await next();
    } catch (error) {
      // Only non-Error throws get here (Hono turns Errors into onError responses).
      writeAccessLine(child, c, started, 500, error);
      throw error;
    }
    writeAccessLine(child, c, started, c.res.status, c.error);
  };
}

function writeAccessLine(
  logger: Logger,
  c: Context,
  started: number,
  answered: number,
  error: unknown,
): void {
  const durationMs = Math.round((performance.now() - started) * 100) / 100;
  const status = isAbandonment(c, error) ? CLIENT_CLOSED_REQUEST : answered;
  const level = status >= 500 ? "error" : status >= 400 ? "warn" : "info";
  logger.log(level, "http.request", {
    http: { method: c.req.method, route: matchedRoute(c), status, durationMs },
    ...definedOnly({ errorCode: c.var.errorCode }),
    // Stacks are for the server's eyes, and only for failures the client could not cause.
    ...(status >= 500 && error !== undefined ? { error } : {}),
  });
}

function definedOnly(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}
