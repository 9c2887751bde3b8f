import { jsonBody, validate } from "@tracemesh/errors";
import { Hono } from "hono";
import * as v from "valibot";
import { requireBearerSecret } from "../http/bearer-secret.ts";
import type { ActiveChaos, ChaosState } from "./chaos-state.ts";

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

function describe(active: ActiveChaos | undefined, now: number) {
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
 * `GET|PUT|DELETE /chaos`: read, set (with a TTL) and clear the faults `chaos()` injects.
 * Mount only when chaos is enabled, so that otherwise the path is an ordinary 404.
 */
export function createChaosRoutes(options: ChaosRoutesOptions): Hono {
  const { state, token } = options;
  return new Hono()
    .use(requireBearerSecret({ secret: token }))
    .get("/", (c) => c.json(describe(state.current(), state.now())))
    .put("/", jsonBody({ maxBytes: 4096 }), validate("json", ChaosSettings), (c) => {
      const { ttlSeconds, ...faults } = c.req.valid("json");
      const active = state.set(faults, ttlSeconds);
      c.var.logger.warn("chaos.configured", { chaos: { ...faults, ttlSeconds } });
      return c.json(describe(active, state.now()));
    })
    .delete("/", (c) => {
      state.clear();
      c.var.logger.info("chaos.cleared");
      return c.body(null, 204);
    });
}
