import { jsonBody, requireBearerSecret, validate } from "@tracemesh/http";
import { Hono } from "hono";
import * as v from "valibot";
import type { ActiveChaos, ChaosState } from "./chaos-state.ts";

/** Where the fault controls live in every service. */
export const CHAOS_PATH = "/chaos";

// Strict: a misspelt fault ("latency") must fail loudly, not start an experiment that does nothing.
const ChaosSettings = v.strictObject({
  latencyMs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(60_000)), 0),
  errorRate: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(1)), 0),
  errorStatus: v.optional(v.picklist([500, 503]), 500),
  unavailable: v.optional(v.boolean(), false),
  ttlSeconds: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(3600)), 300),
});

export interface ChaosRoutesOptions {
  state: ChaosState;
  /** The bearer secret (`CHAOS_TOKEN`) every chaos request must present. */
  token: string;
}

function describeChaos(active: ActiveChaos | undefined, now: number) {
  if (!active) return { active: false };
  const { expiresAt, ...faults } = active;
  return {
    active: true,
    ...faults,
    expiresAt: new Date(expiresAt).toISOString(),
    ttlSeconds: Math.max(0, Math.ceil((expiresAt - now) / 1000)),
  };
}

/**
 * `GET|PUT|DELETE /chaos`: read, set (with a TTL) and clear the faults `faultInjection()` injects.
 * Mount with `app.route("/", ...)` only when chaos is enabled, so that otherwise it is a 404.
 */
export function chaosRoutes(options: ChaosRoutesOptions): Hono {
  const { state, token } = options;
  return (
    new Hono()
      // Scoped to the path: mounted at "/", a path-less `use` would guard the whole service.
      .use(CHAOS_PATH, requireBearerSecret({ secret: token }))
      .get(CHAOS_PATH, (c) => c.json(describeChaos(state.current(), state.now())))
      .put(CHAOS_PATH, jsonBody({ maxBytes: 4096 }), validate("json", ChaosSettings), (c) => {
        const { ttlSeconds, ...faults } = c.req.valid("json");
        const active = state.set(faults, ttlSeconds);
        if (active) c.var.logger.warn("chaos.configured", { chaos: { ...faults, ttlSeconds } });
        else c.var.logger.info("chaos.cleared");
        return c.json(describeChaos(active, state.now()));
      })
      .delete(CHAOS_PATH, (c) => {
        state.clear();
        c.var.logger.info("chaos.cleared");
        return c.body(null, 204);
      })
  );
}
