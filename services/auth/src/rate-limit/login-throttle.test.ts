import { createTestClock } from "@tracemesh/testing";
import { describe, expect, test } from "vitest";
import { createLoginThrottle } from "./login-throttle.ts";

describe("createLoginThrottle", () => {
  test("limits one username across many clients, case-insensitively", () => {
    const clock = createTestClock();
    const throttle = createLoginThrottle({
      perClient: 100,
      perUsername: 2,
      windowMs: 60_000,
      now: clock.now,
    });
    expect(throttle.attempt("10.0.0.1", "alice").allowed).toBe(true);
    expect(throttle.attempt("10.0.0.2", "Alice").allowed).toBe(true);
    expect(throttle.attempt("10.0.0.3", "ALICE")).toEqual({
      allowed: false,
      retryAfterMs: 60_000,
      limitedBy: "username",
      cause: "limit",
    });
    expect(throttle.attempt("10.0.0.3", "bob").allowed).toBe(true);
  });

  test("limits one client across many usernames", () => {
    const clock = createTestClock();
    const throttle = createLoginThrottle({
      perClient: 2,
      perUsername: 100,
      windowMs: 30_000,
      now: clock.now,
    });
    throttle.attempt("10.0.0.1", "u1");
    throttle.attempt("10.0.0.1", "u2");
    expect(throttle.attempt("10.0.0.1", "u3")).toMatchObject({
      allowed: false,
      limitedBy: "client",
    });
    expect(throttle.attempt("10.0.0.9", "u3").allowed).toBe(true);
    clock.advance(30_000);
    expect(throttle.attempt("10.0.0.1", "u4").allowed).toBe(true);
  });

  test("a throttled client's attempts do not count against usernames", () => {
    const throttle = createLoginThrottle({
      perClient: 1,
      perUsername: 1,
      windowMs: 60_000,
      now: createTestClock().now,
    });
    throttle.attempt("10.6.6.6", "bob");
    for (let i = 0; i < 5; i += 1) {
      expect(throttle.attempt("10.6.6.6", "alice")).toMatchObject({ limitedBy: "client" });
    }
    // alice's single attempt of the window is still hers.
    expect(throttle.attempt("10.0.0.1", "alice").allowed).toBe(true);
  });

  test("a flood of made-up usernames cannot evict the window of the one being guessed", () => {
    const clock = createTestClock();
    const throttle = createLoginThrottle({
      perClient: 5,
      perUsername: 3,
      windowMs: 60_000,
      maxKeys: 50,
      now: clock.now,
    });
    for (const client of ["10.0.0.1", "10.0.0.2", "10.0.0.3"]) {
      expect(throttle.attempt(client, "alice").allowed).toBe(true);
    }
    expect(throttle.attempt("10.0.0.4", "alice")).toMatchObject({ limitedBy: "username" });

    // One client: five names get counted, then its ~100k cheap 429s count for nothing.
    for (let i = 0; i < 100_000; i += 1) throttle.attempt("10.6.6.6", `nobody-${i}`);
    // Many clients (fewer than maxKeys): the username table fills, and new names are
    // refused instead of alice's window being dropped.
    clock.advance(1_000);
    for (let i = 0; i < 40; i += 1) {
      for (let j = 0; j < 5; j += 1) throttle.attempt(`10.7.0.${i}`, `made-up-${i}-${j}`);
    }
    expect(throttle.attempt("10.0.0.5", "alice")).toMatchObject({
      allowed: false,
      limitedBy: "username",
      cause: "limit",
    });
    expect(throttle.attempt("10.0.0.6", "carol")).toMatchObject({
      allowed: false,
      limitedBy: "username",
      cause: "capacity",
    });
    // alice's window ends when it was meant to, not earlier.
    clock.advance(58_999);
    expect(throttle.attempt("10.0.0.7", "alice").allowed).toBe(false);
    clock.advance(1);
    expect(throttle.attempt("10.0.0.8", "alice").allowed).toBe(true);
  });
});
