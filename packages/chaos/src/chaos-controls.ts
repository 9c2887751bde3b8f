import type { Logger } from "@tracemesh/logger";
import { Hono, type MiddlewareHandler } from "hono";
import { chaosRoutes } from "./chaos-routes.ts";
import { type ChaosState, createChaosState } from "./chaos-state.ts";
import { faultInjection } from "./fault-injection.ts";

export interface ChaosControlsOptions {
  /**
   * The bearer secret (`CHAOS_TOKEN`) the `/chaos` routes require. Undefined: no fault controls
   * (`/chaos` is a 404 and nothing is ever injected), while the service's own incident routes,
   * which need no token, are still mounted with the controls.
   */
  token: string | undefined;
  /** Told, once, when the controls are left out for want of a token. */
  logger?: Pick<Logger, "warn">;
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

const noFaults: MiddlewareHandler = async function noFaults(_c, next) {
  await next();
};

/**
 * One service's fault controls (docs/architecture.md#chaos): build them only with
 * CHAOS_ENABLED=true, so that without it `/chaos` is an ordinary 404 and no request pays for fault
 * checks.
 */
export function createChaosControls(options: ChaosControlsOptions): ChaosControls {
  const { token, logger, now, random, exempt } = options;
  const state = createChaosState({ now });
  if (token === undefined) {
    logger?.warn("chaos.controls_unavailable", {
      variable: "CHAOS_TOKEN",
      effect: "the fault controls (/chaos) are not mounted: they need CHAOS_TOKEN",
    });
    return { state, middleware: noFaults, routes: new Hono() };
  }
  return {
    state,
    middleware: faultInjection({ state, random, exempt }),
    routes: chaosRoutes({ state, token }),
  };
}
