import { AppError, retryAfterHeader } from "@tracemesh/errors";
import type { MiddlewareHandler } from "hono";

/** What `startHttpServer` tells the app about the server, besides Node's request and response. */
export interface ServerBindings {
  /** True from the shutdown signal on, while the listener still serves its grace period. */
  shuttingDown?: boolean;
}

/** Whether the server that passed `env` (Hono's `c.env`) has begun to shut down. */
function isShuttingDown(env: unknown): boolean {
  return (env as ServerBindings | undefined)?.shuttingDown === true;
}

/**
 * Fails `/health/ready` from the shutdown signal on with the contract's 503 SERVICE_UNAVAILABLE
 * (`details: [{ type: "shutdown" }]`), whatever the service's own checks say: a load balancer
 * stops sending new requests while the listener still answers those it sends meanwhile.
 */
export function notReadyWhileShuttingDown(): MiddlewareHandler {
  return async function readinessDuringShutdown(c, next) {
    if (!isShuttingDown(c.env)) return next();
    throw new AppError("SERVICE_UNAVAILABLE", {
      message: "shutting down",
      details: [{ type: "shutdown" }],
      headers: { "Retry-After": retryAfterHeader(1) },
    });
  };
}
