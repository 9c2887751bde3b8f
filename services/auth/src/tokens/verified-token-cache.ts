import { hash } from "node:crypto";
import type { VerifiedToken } from "./token-verifier.ts";

// Keyed by the token's hash: the raw bearer token is never kept.
const keyOf = (token: string) => hash("sha256", token, "base64url");

export interface VerifiedTokenCache {
  /** The token's claims when it verified before and has not expired since (`nowSeconds`). */
  recall(token: string, nowSeconds: number): VerifiedToken | undefined;
  remember(token: string, verified: VerifiedToken): void;
}

/**
 * The tokens that verified recently, until they expire: a client sends the same token with
 * each request, and an EdDSA verification costs a trip to the crypto thread pool. Only
 * successes are kept (a refusal is cheap to repeat, and an attacker's garbage must not fill
 * the cache); a full cache forgets its oldest entry.
 */
export function createVerifiedTokenCache(maxEntries = 5_000): VerifiedTokenCache {
  // A Map iterates in insertion order: its first key is the oldest.
  const entries = new Map<string, VerifiedToken>();
  return {
    recall(token, nowSeconds) {
      const key = keyOf(token);
      const verified = entries.get(key);
      if (verified === undefined) return undefined;
      if (verified.expiresAt <= nowSeconds) {
        entries.delete(key);
        return undefined;
      }
      return verified;
    },
    remember(token, verified) {
      const key = keyOf(token);
      if (entries.size >= maxEntries && !entries.has(key)) {
        const oldest = entries.keys().next().value;
        if (oldest !== undefined) entries.delete(oldest);
      }
      entries.set(key, verified);
    },
  };
}
