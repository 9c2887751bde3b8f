/** The faults an operator can inject; all off is the same as no chaos. */
export interface ChaosFaults {
  /** Delay added before the request is handled (never beyond the request's deadline). */
  latencyMs: number;
  /** Share of requests, 0..1, answered with `errorStatus`. */
  errorRate: number;
  /** 500 (INTERNAL_ERROR, an uncaught throw) or 503 (SERVICE_UNAVAILABLE). */
  errorStatus: 500 | 503;
  /** Every request answered 503 SERVICE_UNAVAILABLE with Retry-After. */
  unavailable: boolean;
}

export interface ActiveChaos extends ChaosFaults {
  /** Epoch milliseconds after which the faults vanish by themselves. */
  expiresAt: number;
}

export interface ChaosState {
  /** The faults in force now, or undefined once cleared or expired. */
  current(): ActiveChaos | undefined;
  /** Puts `faults` in force for `ttlSeconds`; all off clears instead (undefined). */
  set(faults: ChaosFaults, ttlSeconds: number): ActiveChaos | undefined;
  clear(): void;
  /** The clock the state runs on, for Retry-After and remaining TTL. */
  now(): number;
}

/** In-memory fault settings with a TTL, so a forgotten experiment cannot outlive its window. */
export function createChaosState(options: { now?: () => number } = {}): ChaosState {
  const { now = Date.now } = options;
  let active: ActiveChaos | undefined;
  return {
    current() {
      if (active && now() >= active.expiresAt) active = undefined;
      return active;
    },
    set(faults, ttlSeconds) {
      const anyOn = faults.latencyMs > 0 || faults.errorRate > 0 || faults.unavailable;
      active = anyOn ? { ...faults, expiresAt: now() + ttlSeconds * 1000 } : undefined;
      return active;
    },
    clear() {
      active = undefined;
    },
    now,
  };
}
