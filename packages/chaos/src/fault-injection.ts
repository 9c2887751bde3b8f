import { setTimeout as sleep } from "node:timers/promises";
import { trace } from "@opentelemetry/api";
import { AppError, toRetryAfterSeconds } from "@tracemesh/errors";
import { CLIENT_CLOSED_REQUEST, type Deadline } from "@tracemesh/http";
import type { Context, MiddlewareHandler } from "hono";
import { recordChaosFault } from "./chaos-fault.ts";
import { CHAOS_PATH } from "./chaos-routes.ts";
import type { ChaosState } from "./chaos-state.ts";

export interface FaultInjectionOptions {
  state: ChaosState;
  /** Decides which requests `errorRate` hits. @default Math.random */
  random?: () => number;
  /**
   * Paths faults never touch, so that an operator can always read and clear the experiment and
   * probes report the process, not the experiment. @default `/chaos` and `/health/*`
   */
  exempt?: (path: string) => boolean;
}

const controlsAndProbes = (path: string) => path === CHAOS_PATH || path.startsWith("/health/");

/**
 * Sleeps `latencyMs`, or only until the request's deadline (`deadline()` middleware) when that
 * comes first: the caller has given up by then, so the request ends there with a 503. A client
 * that hangs up (the request's signal) ends it at once: "client_gone".
 */
async function injectLatency(c: Context, latencyMs: number): Promise<"slept" | "client_gone"> {
  // Optional: a service without `deadline()` gets the whole latency.
  const deadline: Deadline | undefined = c.var.deadline;
  const remainingMs = deadline?.remainingMs() ?? Number.POSITIVE_INFINITY;
  const sleptMs = Math.min(latencyMs, remainingMs);
  recordChaosFault(c, "latency", { latencyMs: sleptMs, requestedLatencyMs: latencyMs });
  trace.getActiveSpan()?.setAttribute("chaos.latency_ms", sleptMs);
  const { signal } = c.req.raw;
  try {
    // Without the signal a request nobody waits for would hold its timer, its context and its
    // connection slot for up to the whole latency (a minute), however many clients gave up.
    await sleep(sleptMs, undefined, { signal });
  } catch (error) {
    if (signal.aborted) return "client_gone";
    throw error;
  }
  if (sleptMs < latencyMs) {
    throw new AppError("SERVICE_UNAVAILABLE", { message: "chaos: latency outlasted the deadline" });
  }
  return "slept";
}

/**
 * Applies the faults in `state` to every request but the exempt ones: latency first (as a slow
 * dependency would), then unavailability (503 + Retry-After until the TTL ends), then the error
 * rate (an uncaught throw → 500, or 503). Mount after `accessLog()` and `deadline()`.
 */
export function faultInjection(options: FaultInjectionOptions): MiddlewareHandler {
  const { state, random = Math.random, exempt = controlsAndProbes } = options;
  return async function faultInjectionMiddleware(c, next) {
    if (exempt(c.req.path)) return next();
    const before = state.current();
    if (!before) return next();

    if (before.latencyMs > 0 && (await injectLatency(c, before.latencyMs)) === "client_gone") {
      // Nobody to answer: the route never runs, and the access log says why the request ended.
      return new Response(null, { status: CLIENT_CLOSED_REQUEST });
    }
    // Read again after the latency: a fault cleared or expired meanwhile injects nothing more.
    const faults = before.latencyMs > 0 ? state.current() : before;
    if (!faults) return next();
    if (faults.unavailable) {
      const retryAfterSeconds = toRetryAfterSeconds(faults.expiresAt - state.now());
      recordChaosFault(c, "unavailable", { retryAfterSeconds });
      throw new AppError("SERVICE_UNAVAILABLE", {
        message: "chaos: service marked unavailable",
        headers: { "Retry-After": String(retryAfterSeconds) },
      });
    }
    if (faults.errorRate > 0 && random() < faults.errorRate) {
      recordChaosFault(c, "error", { status: faults.errorStatus });
      if (faults.errorStatus === 503) {
        throw new AppError("SERVICE_UNAVAILABLE", { message: "chaos: injected 503" });
      }
      throw new Error("chaos: injected internal error");
    }
    return next();
  };
}
