import { trace } from "@opentelemetry/api";
import type { Context } from "hono";

/** The faults `faultInjection()` injects; a service's own incident (e.g. `/error`) may name others. */
export type ChaosFaultKind = "latency" | "error" | "unavailable";

/**
 * Marks an injected fault where an operator looks (docs/architecture.md#chaos): `chaos.fault` on
 * the active span (a later fault of the same request replaces it: the one that answered), a
 * `chaos.fault` span event each, and a `chaos.fault_injected` warn line on the request's logger.
 * Needs `accessLog()` mounted before, for `c.var.logger`.
 */
export function recordChaosFault(
  c: Context,
  fault: ChaosFaultKind | (string & {}),
  fields: Record<string, unknown> = {},
): void {
  const span = trace.getActiveSpan();
  span?.setAttribute("chaos.fault", fault);
  span?.addEvent("chaos.fault", { "chaos.fault": fault });
  c.var.logger.warn("chaos.fault_injected", { chaos: { fault, ...fields } });
}
