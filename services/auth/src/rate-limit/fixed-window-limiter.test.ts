import { createTestClock } from "@tracemesh/chaos/testing";
import { describe, expect, test } from "vitest";
import { createFixedWindowLimiter } from "./fixed-window-limiter.ts";

describe("createFixedWindowLimiter", () => {
  test("allows `limit` hits per window, then refuses with the time left, then recovers", () => {
    const clock = createTestClock();
    const limiter = createFixedWindowLimiter({ limit: 2, windowMs: 60_000, now: clock.now });
    expect(limiter.hit("k")).toEqual({ allowed: true, remaining: 1 });
    clock.advance(10_000);
    expect(limiter.hit("k")).toEqual({ allowed: true, remaining: 0 });
    clock.advance(500);
    expect(limiter.hit("k")).toEqual({ allowed: false, retryAfterSeconds: 50 });
    clock.advance(49_499);
    expect(limiter.hit("k")).toEqual({ allowed: false, retryAfterSeconds: 1 });
    clock.advance(1);
    expect(limiter.hit("k")).toEqual({ allowed: true, remaining: 1 });
  });

  test("keys are counted apart", () => {
    const limiter = createFixedWindowLimiter({ limit: 1, windowMs: 1000, now: () => 0 });
    expect(limiter.hit("a").allowed).toBe(true);
    expect(limiter.hit("a").allowed).toBe(false);
    expect(limiter.hit("b").allowed).toBe(true);
  });

  test("memory stays bounded: expired windows go first, then the oldest", () => {
    const clock = createTestClock();
    const limiter = createFixedWindowLimiter({
      limit: 1,
      windowMs: 1000,
      now: clock.now,
      maxKeys: 2,
    });
    limiter.hit("old");
    clock.advance(1000);
    limiter.hit("a");
    limiter.hit("b"); // "old" expired: dropped to make room
    expect(limiter.hit("a").allowed).toBe(false);
    limiter.hit("c"); // full of live windows: the oldest ("a") is dropped
    expect(limiter.hit("b").allowed).toBe(false);
    expect(limiter.hit("a").allowed).toBe(true);
  });
});
