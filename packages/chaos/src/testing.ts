/** A clock tests move by hand, so TTLs, windows and expiries need no waiting. */
export function createTestClock(start = Date.parse("2026-11-25T10:00:00.000Z")) {
  let current = start;
  return {
    now: () => current,
    advance(ms: number) {
      current += ms;
    },
  };
}
