import { DependencyError } from "@tracemesh/errors";
import { Hono } from "hono";

/** Named readiness checks, e.g. `{ nats: () => connected, consumer: () => running }`. */
export type ReadinessChecks = Readonly<Record<string, () => boolean>>;

/**
 * `/health/live`: the process answers. `/health/ready`: every check passes; the first failing
 * one is the contract's 503 SERVICE_UNAVAILABLE naming it (retryable, Retry-After).
 */
export function healthRoutes(checks: ReadinessChecks): Hono {
  return new Hono()
    .get("/health/live", function live(c) {
      return c.json({ status: "ok" });
    })
    .get("/health/ready", function ready(c) {
      const results: Record<string, "ok"> = {};
      for (const [name, check] of Object.entries(checks)) {
        if (!check()) {
          throw new DependencyError({
            dependency: name,
            message: `readiness check ${name} failed`,
          });
        }
        results[name] = "ok";
      }
      return c.json({ status: "ok", checks: results });
    });
}
