import { createTestClock } from "@tracemesh/chaos/testing";
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
      retryAfterSeconds: 60,
      limitedBy: "username",
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
});
