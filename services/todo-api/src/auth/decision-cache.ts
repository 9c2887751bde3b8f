import { hash } from "node:crypto";
import type { AuthDecision } from "./auth-client.ts";

export interface DecisionCacheOptions {
  /** How long a decision may stand in for auth; 0 keeps nothing. */
  ttlMs: number;
  /** Beyond this, the least recently stored decision goes. @default 10000 */
  maxEntries?: number;
  /** @default Date.now */
  now?: () => number;
}

export interface CachedDecision {
  decision: AuthDecision;
  /** Epoch milliseconds at which auth gave it. */
  decidedAt: number;
}

/**
 * Recent allow decisions, for reads while auth is unavailable
 * (docs/architecture.md#deadlines-and-resilience). Keyed by a hash of the token with the action and
 * resource: the raw token is never kept, and a decision answers only the exact question it was
 * given for.
 */
export interface DecisionCache {
  remember(token: string, decision: AuthDecision): void;
  /** The decision for this token, action and resource, unless it expired. */
  recall(token: string, action: string, resource: string): CachedDecision | undefined;
  /** Drops a decision auth no longer gives (it answered 401 or 403 since). */
  forget(token: string, action: string, resource: string): void;
  size(): number;
}

interface Entry extends CachedDecision {
  expiresAt: number;
}

function keyOf(token: string, action: string, resource: string): string {
  const tokenHash = hash("sha256", token, "base64url");
  return `${tokenHash} ${action} ${resource}`;
}

/** A bounded, TTL'd in-memory DecisionCache: an entry lives min(ttlMs, until the token expires). */
export function createDecisionCache(options: DecisionCacheOptions): DecisionCache {
  const { ttlMs, maxEntries = 10_000, now = Date.now } = options;
  // A Map iterates in insertion order: re-inserting on remember makes the first key the oldest.
  const entries = new Map<string, Entry>();

  return {
    remember(token, decision) {
      const decidedAt = now();
      const expiresAt = Math.min(decidedAt + ttlMs, decision.expiresAt.getTime());
      if (ttlMs <= 0 || expiresAt <= decidedAt) return;
      const key = keyOf(token, decision.action, decision.resource);
      entries.delete(key);
      entries.set(key, { decision, decidedAt, expiresAt });
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next();
        if (oldest.done) break;
        entries.delete(oldest.value);
      }
    },
    recall(token, action, resource) {
      const key = keyOf(token, action, resource);
      const entry = entries.get(key);
      if (entry === undefined) return undefined;
      if (entry.expiresAt <= now()) {
        entries.delete(key);
        return undefined;
      }
      return { decision: entry.decision, decidedAt: entry.decidedAt };
    },
    forget(token, action, resource) {
      entries.delete(keyOf(token, action, resource));
    },
    size: () => entries.size,
  };
}
