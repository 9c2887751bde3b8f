import { recordChaosFault } from "@tracemesh/chaos";
import { Hono } from "hono";

/** What the incident replay marks its span and log line with, so nobody mistakes it for a bug. */
export const INJECTED_FAULT = "division_by_zero";

/**
 * The incident, replayed on purpose (mounted only with CHAOS_ENABLED=true): `/error` divides
 * by zero, a BigInt RangeError nobody catches, which the global handler turns into
 * 500 INTERNAL_ERROR with the trace id, and the access log records with its stack.
 */
export function incidentRoutes(): Hono {
  return new Hono().get("/error", function divideByZero(c) {
    // Same marks as the injected faults: `chaos.fault` on the span, a chaos log line.
    recordChaosFault(c, INJECTED_FAULT);
    return c.json({ result: String(1n / 0n) });
  });
}
