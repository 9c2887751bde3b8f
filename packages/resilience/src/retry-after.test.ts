import { describe, expect, test } from "vitest";
import { parseRetryAfterMs } from "./retry-after.ts";

describe("parseRetryAfterMs", () => {
  const now = Date.parse("2026-11-25T10:00:00.000Z");

  test.each([
    ["3", 3_000],
    [" 0 ", 0],
    ["Wed, 25 Nov 2026 10:00:05 GMT", 5_000],
    ["Wed, 25 Nov 2026 09:59:00 GMT", 0],
    [null, undefined],
    [undefined, undefined],
    ["", undefined],
    ["soon", undefined],
    ["-1", undefined],
  ])("%j → %j ms", (value, expected) => {
    expect(parseRetryAfterMs(value, now)).toBe(expected);
  });
});
