import { normalizeUsername } from "../users/user-directory.ts";
import { createFixedWindowLimiter } from "./fixed-window-limiter.ts";

export interface LoginThrottleOptions {
  /** Attempts per client address and window (stops one client spraying many usernames). */
  perClient: number;
  /** Attempts per username and window (stops many clients guessing one password). */
  perUsername: number;
  windowMs: number;
  /** Clients, and usernames, whose windows are kept at once (see the limiter). @default 100_000 */
  maxKeys?: number;
  /** @default Date.now */
  now?: () => number;
}

export type LoginThrottleResult =
  | { allowed: true }
  | {
      allowed: false;
      retryAfterMs: number;
      limitedBy: "client" | "username";
      cause: "limit" | "capacity";
    };

export interface LoginThrottle {
  /** Counts one login attempt; called before the password is checked, whatever its outcome. */
  attempt(client: string, username: string): LoginThrottleResult;
}

/**
 * Two limits on login attempts. Every attempt counts, known username or not and right
 * password or not, so a 429 says nothing about the account, and a throttled attempt is
 * refused before scrypt runs, so it is no password oracle either.
 */
export function createLoginThrottle(options: LoginThrottleOptions): LoginThrottle {
  const { windowMs, maxKeys, now } = options;
  const byClient = createFixedWindowLimiter({ limit: options.perClient, windowMs, maxKeys, now });
  const byUsername = createFixedWindowLimiter({
    limit: options.perUsername,
    windowMs,
    maxKeys,
    now,
  });
  return {
    attempt(client, username) {
      const clientResult = byClient.hit(client);
      // A throttled client stops here: its 429s cost it nothing, so were they counted against
      // usernames too, one client could fill the username table with made-up names for free.
      if (!clientResult.allowed) return { ...clientResult, limitedBy: "client" };
      const usernameResult = byUsername.hit(normalizeUsername(username));
      if (!usernameResult.allowed) return { ...usernameResult, limitedBy: "username" };
      return { allowed: true };
    },
  };
}
