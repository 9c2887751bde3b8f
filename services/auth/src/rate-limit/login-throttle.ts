import { normalizeUsername } from "../users/user-directory.ts";
import { createFixedWindowLimiter } from "./fixed-window-limiter.ts";

export interface LoginThrottleOptions {
  /** Attempts per client address and window (stops one client spraying many usernames). */
  perClient: number;
  /** Attempts per username and window (stops many clients guessing one password). */
  perUsername: number;
  windowMs: number;
  /** @default Date.now */
  now?: () => number;
}

export type LoginThrottleResult =
  | { allowed: true }
  | { allowed: false; retryAfterSeconds: number; limitedBy: "client" | "username" };

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
  const { windowMs, now } = options;
  const byClient = createFixedWindowLimiter({ limit: options.perClient, windowMs, now });
  const byUsername = createFixedWindowLimiter({ limit: options.perUsername, windowMs, now });
  return {
    attempt(client, username) {
      const clientResult = byClient.hit(client);
      const usernameResult = byUsername.hit(normalizeUsername(username));
      if (!clientResult.allowed) {
        const retryAfterSeconds = usernameResult.allowed
          ? clientResult.retryAfterSeconds
          : Math.max(clientResult.retryAfterSeconds, usernameResult.retryAfterSeconds);
        return { allowed: false, retryAfterSeconds, limitedBy: "client" };
      }
      if (!usernameResult.allowed) {
        return {
          allowed: false,
          retryAfterSeconds: usernameResult.retryAfterSeconds,
          limitedBy: "username",
        };
      }
      return { allowed: true };
    },
  };
}
