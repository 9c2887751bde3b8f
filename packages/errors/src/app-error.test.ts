import { describe, expect, test } from "vitest";
import { retryAfterHeader, toRetryAfterSeconds } from "./app-error.ts";

describe("toRetryAfterSeconds", () => {
  test.each([
    [0, 1],
    [1, 1],
    [1_000, 1],
    [1_001, 2],
    [29_500, 30],
  ])("%d ms → %d s", (ms, seconds) => {
    expect(toRetryAfterSeconds(ms)).toBe(seconds);
  });
});

describe("retryAfterHeader", () => {
  test.each([
    [undefined, "1"],
    [Number.NaN, "1"],
    [0, "1"],
    [1.2, "2"],
    [30, "30"],
  ])("%s s → %j", (seconds, header) => {
    expect(retryAfterHeader(seconds)).toBe(header);
  });
});
