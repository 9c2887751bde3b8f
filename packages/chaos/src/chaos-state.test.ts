import { createTestClock } from "@tracemesh/testing";
import { describe, expect, test } from "vitest";
import { createChaosState } from "./chaos-state.ts";

const faults = { latencyMs: 0, errorRate: 0, errorStatus: 500, unavailable: true } as const;

describe("createChaosState", () => {
  test("faults vanish by themselves when their TTL ends", () => {
    const clock = createTestClock();
    const state = createChaosState({ now: clock.now });
    expect(state.set(faults, 30)).toEqual({ ...faults, expiresAt: clock.now() + 30_000 });
    clock.advance(29_999);
    expect(state.current()).toMatchObject({ unavailable: true });
    clock.advance(1);
    expect(state.current()).toBeUndefined();
  });

  test("a new setting replaces the old one, TTL included; clear ends it", () => {
    const clock = createTestClock();
    const state = createChaosState({ now: clock.now });
    state.set(faults, 10);
    state.set({ ...faults, unavailable: false, latencyMs: 5 }, 60);
    clock.advance(30_000);
    expect(state.current()).toMatchObject({ unavailable: false, latencyMs: 5 });
    state.clear();
    expect(state.current()).toBeUndefined();
  });
});
