/** A clock tests move by hand. */
export interface TestClock {
  /** The current time, in epoch milliseconds: pass it where code takes a `now()`. */
  now(): number;
  /** Moves the clock forward by `ms`. */
  advance(ms: number): void;
}

/** A clock tests move by hand, so TTLs, windows and expiries need no waiting. */
export function createTestClock(start = Date.parse("2026-11-25T10:00:00.000Z")): TestClock {
  let current = start;
  return {
    now: () => current,
    advance(ms: number) {
      current += ms;
    },
  };
}
