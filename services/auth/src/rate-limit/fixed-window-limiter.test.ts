import { createTestClock } from "@tracemesh/testing";
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
    expect(limiter.hit("k")).toEqual({ allowed: false, retryAfterMs: 49_500, cause: "limit" });
    clock.advance(49_499);
    expect(limiter.hit("k")).toEqual({ allowed: false, retryAfterMs: 1, cause: "limit" });
    clock.advance(1);
    expect(limiter.hit("k")).toEqual({ allowed: true, remaining: 1 });
  });

  test("keys are counted apart", () => {
    const limiter = createFixedWindowLimiter({ limit: 1, windowMs: 1000, now: () => 0 });
    expect(limiter.hit("a").allowed).toBe(true);
    expect(limiter.hit("a").allowed).toBe(false);
    expect(limiter.hit("b").allowed).toBe(true);
  });

  test("expired windows are dropped as time passes, so memory follows the live keys", () => {
    const clock = createTestClock();
    const limiter = createFixedWindowLimiter({ limit: 1, windowMs: 1000, now: clock.now });
    for (const key of ["a", "b", "c"]) limiter.hit(key);
    clock.advance(500);
    limiter.hit("d");
    expect(limiter.size()).toBe(4);
    clock.advance(500);
    limiter.hit("e");
    expect(limiter.size()).toBe(2);
  });

  test("full of live windows, it refuses new keys rather than drop one: no count can be reset", () => {
    const clock = createTestClock();
    const limiter = createFixedWindowLimiter({
      limit: 1,
      windowMs: 1000,
      now: clock.now,
      maxKeys: 2,
    });
    limiter.hit("victim");
    expect(limiter.hit("victim").allowed).toBe(false);
    clock.advance(400);
    limiter.hit("flood-1");
    for (let i = 2; i < 100; i += 1) {
      expect(limiter.hit(`flood-${i}`)).toEqual({
        allowed: false,
        retryAfterMs: 600,
        cause: "capacity",
      });
    }
    expect(limiter.hit("victim")).toMatchObject({ allowed: false, cause: "limit" });
    expect(limiter.size()).toBe(2);
    // Once the oldest window ends, its slot is free again.
    clock.advance(600);
    expect(limiter.hit("newcomer").allowed).toBe(true);
    expect(limiter.hit("victim").allowed).toBe(false);
  });
});
