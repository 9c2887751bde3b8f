import { describe, expect, test } from "vitest";
import { createVerifiedTokenCache } from "./verified-token-cache.ts";

describe("verified token cache", () => {
  test("recalls a token that verified until its exp, then forgets it", () => {
    const cache = createVerifiedTokenCache();
    cache.remember("token-a", { subject: "u1", expiresAt: 1000 });
    expect(cache.recall("token-a", 999)).toEqual({ subject: "u1", expiresAt: 1000 });
    expect(cache.recall("token-a", 1000)).toBeUndefined();
    expect(cache.recall("token-a", 999)).toBeUndefined();
    expect(cache.recall("token-b", 0)).toBeUndefined();
  });

  test("a full cache forgets its oldest token, never grows past its size", () => {
    const cache = createVerifiedTokenCache(2);
    cache.remember("t1", { subject: "u1", expiresAt: 100 });
    cache.remember("t2", { subject: "u2", expiresAt: 100 });
    cache.remember("t3", { subject: "u3", expiresAt: 100 });
    expect(cache.recall("t1", 0)).toBeUndefined();
    expect(cache.recall("t2", 0)?.subject).toBe("u2");
    expect(cache.recall("t3", 0)?.subject).toBe("u3");
  });
});
