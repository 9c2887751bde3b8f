import type { Hono, MiddlewareHandler } from "hono";
import { chaosRoutes } from "./chaos-routes.ts";
import { type ChaosState, createChaosState } from "./chaos-state.ts";
import { faultInjection } from "./fault-injection.ts";

export interface ChaosControlsOptions {
  /** The bearer secret (`CHAOS_TOKEN`) the `/chaos` routes require. */
  token: string;
  /** Clock of the TTL and Retry-After. @default Date.now */
  now?: () => number;
  /** Decides which requests `errorRate` hits. @default Math.random */
  random?: () => number;
  /** Paths faults never touch. @default `/chaos` and `/health/*` */
  exempt?: (path: string) => boolean;
}

export interface ChaosControls {
  /** The faults in force, shared by the middleware and the routes. */
  state: ChaosState;
  /** `app.use()` it after `accessLog()` and `deadline()`, before the service's routes. */
  middleware: MiddlewareHandler;
  /** `GET|PUT|DELETE /chaos`: `app.route("/", routes)`. */
  routes: Hono;
}

/**
 * One service's fault controls (DESIGN §8): build them only with CHAOS_ENABLED=true, so that
 * without it `/chaos` is an ordinary 404 and no request pays for fault checks.
 */
export function createChaosControls(options: ChaosControlsOptions): ChaosControls {
  const { token, now, random, exempt } = options;
  const state = createChaosState({ now });
  return {
    state,
    middleware: faultInjection({ state, random, exempt }),
    routes: chaosRoutes({ state, token }),
  };
}
