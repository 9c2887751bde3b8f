import { expect, test } from "vitest";
import type { AuthDecision } from "./auth-client.ts";
import { createDecisionCache } from "./decision-cache.ts";

const START = Date.parse("2026-11-25T10:00:00.000Z");

function clock() {
  let now = START;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
  };
}

function decision(resource = "todos", expiresInMs = 15 * 60_000): AuthDecision {
  return {
    subject: "alice-id",
    username: "alice",
    roles: ["user"],
    action: "todos:read",
    resource,
    expiresAt: new Date(START + expiresInMs),
  };
}

test("a decision answers the same token, action and resource only, until the TTL ends", () => {
  const time = clock();
  const cache = createDecisionCache({ ttlMs: 60_000, now: time.now });
  cache.remember("token-a", decision());
  time.advance(1_000);
  expect(cache.recall("token-a", "todos:read", "todos")).toEqual({
    decision: decision(),
    decidedAt: START,
  });
  expect(cache.recall("token-b", "todos:read", "todos")).toBeUndefined();
  expect(cache.recall("token-a", "todos:write", "todos")).toBeUndefined();
  expect(cache.recall("token-a", "todos:read", "todos/1")).toBeUndefined();
  time.advance(59_000);
  expect(cache.recall("token-a", "todos:read", "todos")).toBeUndefined();
  expect(cache.size()).toBe(0);
});

test("no decision outlives its token, whatever the TTL", () => {
  const time = clock();
  const cache = createDecisionCache({ ttlMs: 60_000, now: time.now });
  cache.remember("short-lived", decision("todos", 5_000));
  time.advance(4_999);
  expect(cache.recall("short-lived", "todos:read", "todos")).toBeDefined();
  time.advance(1);
  expect(cache.recall("short-lived", "todos:read", "todos")).toBeUndefined();
  // Already expired: not even stored.
  cache.remember("expired", decision("todos", -1));
  expect(cache.size()).toBe(0);
});

test("a TTL of 0 keeps nothing", () => {
  const cache = createDecisionCache({ ttlMs: 0 });
  cache.remember("token", decision());
  expect(cache.size()).toBe(0);
  expect(cache.recall("token", "todos:read", "todos")).toBeUndefined();
});

test("it is bounded: past maxEntries the least recently stored decision goes", () => {
  const cache = createDecisionCache({ ttlMs: 60_000, maxEntries: 3, now: clock().now });
  for (const token of ["t1", "t2", "t3"]) cache.remember(token, decision());
  cache.remember("t1", decision()); // t1 is now the most recent
  cache.remember("t4", decision());
  expect(cache.size()).toBe(3);
  expect(cache.recall("t2", "todos:read", "todos")).toBeUndefined();
  for (const token of ["t1", "t3", "t4"]) {
    expect(cache.recall(token, "todos:read", "todos")).toBeDefined();
  }
});

test("forget drops exactly one decision", () => {
  const cache = createDecisionCache({ ttlMs: 60_000, now: clock().now });
  cache.remember("token", decision("todos"));
  cache.remember("token", decision("todos/1"));
  cache.forget("token", "todos:read", "todos");
  expect(cache.recall("token", "todos:read", "todos")).toBeUndefined();
  expect(cache.recall("token", "todos:read", "todos/1")).toBeDefined();
});
