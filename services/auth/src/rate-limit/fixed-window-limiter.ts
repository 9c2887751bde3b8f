export interface FixedWindowLimiterOptions {
  /** Hits allowed per key and window. */
  limit: number;
  windowMs: number;
  /** Injected so tests can move time instead of waiting. @default Date.now */
  now?: () => number;
  /** Keys kept in memory before the oldest windows are dropped. @default 100_000 */
  maxKeys?: number;
}

export type RateLimitResult =
  | { allowed: true; remaining: number }
  | { allowed: false; retryAfterSeconds: number };

export interface FixedWindowLimiter {
  /** Counts one hit for `key` and says whether it is within the limit. */
  hit(key: string): RateLimitResult;
}

/**
 * A window per key that opens at the key's first hit; in memory, so per instance, which is
 * what a login throttle in front of scrypt needs.
 */
export function createFixedWindowLimiter(options: FixedWindowLimiterOptions): FixedWindowLimiter {
  const { limit, windowMs, now = Date.now, maxKeys = 100_000 } = options;
  const windows = new Map<string, { startedAt: number; hits: number }>();

  function makeRoom(at: number): void {
    for (const [key, window] of windows) {
      if (at - window.startedAt >= windowMs) windows.delete(key);
    }
    // Still full after dropping expired windows: a flood of distinct keys. Drop the oldest
    // rather than grow without bound (Map iteration order is insertion order).
    for (const key of windows.keys()) {
      if (windows.size < maxKeys) break;
      windows.delete(key);
    }
  }

  return {
    hit(key) {
      const at = now();
      let window = windows.get(key);
      if (!window || at - window.startedAt >= windowMs) {
        windows.delete(key);
        if (windows.size >= maxKeys) makeRoom(at);
        window = { startedAt: at, hits: 0 };
        windows.set(key, window);
      }
      window.hits += 1;
      if (window.hits <= limit) return { allowed: true, remaining: limit - window.hits };
      const retryAfterMs = window.startedAt + windowMs - at;
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) };
    },
  };
}
