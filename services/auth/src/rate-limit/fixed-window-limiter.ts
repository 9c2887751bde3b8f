export interface FixedWindowLimiterOptions {
  /** Hits allowed per key and window. */
  limit: number;
  windowMs: number;
  /** Injected so tests can move time instead of waiting. @default Date.now */
  now?: () => number;
  /** Live windows kept at most; while all are live, a new key is refused. @default 100_000 */
  maxKeys?: number;
}

export type RateLimitResult =
  | { allowed: true; remaining: number }
  | {
      allowed: false;
      retryAfterMs: number;
      /** `limit`: this key used its hits; `capacity`: every slot holds a live window of another key. */
      cause: "limit" | "capacity";
    };

export interface FixedWindowLimiter {
  /** Counts one hit for `key` and says whether it is within the limit. */
  hit(key: string): RateLimitResult;
  /** Keys with a window in memory. */
  size(): number;
}

interface Window {
  startedAt: number;
  hits: number;
}

/**
 * A window per key that opens at the key's first hit; in memory, so per instance, which is
 * what a login throttle in front of scrypt needs.
 *
 * Memory is bounded without ever dropping a live window: a flood of new keys must not reset
 * the count of the key it is aimed at (the username being guessed). Windows sit in the Map in
 * the order they opened, so expired ones are dropped from the front in O(1) per hit; when every
 * slot still holds a live window, a new key is refused until the oldest one ends. Filling the
 * table takes `maxKeys` keys within one window, and only delays other keys' first hit.
 */
export function createFixedWindowLimiter(options: FixedWindowLimiterOptions): FixedWindowLimiter {
  const { limit, windowMs, now = Date.now, maxKeys = 100_000 } = options;
  const windows = new Map<string, Window>();
  const expired = (window: Window, at: number) => at - window.startedAt >= windowMs;

  function dropExpired(at: number): void {
    for (const [key, window] of windows) {
      if (!expired(window, at)) return;
      windows.delete(key);
    }
  }

  // Every slot holds a live window (dropExpired ran): the oldest ends first.
  function refusedForCapacity(at: number): RateLimitResult {
    const oldest = windows.values().next().value;
    const retryAfterMs = oldest === undefined ? windowMs : oldest.startedAt + windowMs - at;
    return { allowed: false, retryAfterMs, cause: "capacity" };
  }

  return {
    hit(key) {
      const at = now();
      dropExpired(at);
      let window = windows.get(key);
      // Only a clock set back can leave an expired window behind a live one; reopen it at the end.
      if (window !== undefined && expired(window, at)) {
        windows.delete(key);
        window = undefined;
      }
      if (window === undefined) {
        if (windows.size >= maxKeys) return refusedForCapacity(at);
        window = { startedAt: at, hits: 0 };
        windows.set(key, window);
      }
      window.hits += 1;
      if (window.hits <= limit) return { allowed: true, remaining: limit - window.hits };
      return { allowed: false, retryAfterMs: window.startedAt + windowMs - at, cause: "limit" };
    },
    size: () => windows.size,
  };
}
