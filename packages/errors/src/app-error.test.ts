import { describe, expect, test } from "vitest";
import { AppError, retryAfterHeader, toRetryAfterSeconds } from "./app-error.ts";

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

describe("an AppError's own stack", () => {
  const frames = (error: Error) => (error.stack ?? "").split("\n").slice(1);

  test("is captured where logs and spans read it: a 5xx of its own making", () => {
    expect(frames(new AppError("SERVICE_UNAVAILABLE")).length).toBeGreaterThan(0);
    expect(
      frames(new AppError("INTERNAL_ERROR", { cause: "not an Error" })).length,
    ).toBeGreaterThan(0);
  });

  test("is not, for a client's error or a wrapper of the Error that says where it failed", () => {
    const notFound = new AppError("RESOURCE_NOT_FOUND");
    expect(notFound.stack).toBe("AppError: The requested resource was not found.");
    const cause = new RangeError("Division by zero");
    const wrapper = new AppError("INTERNAL_ERROR", { cause });
    expect(frames(wrapper)).toEqual([]);
    expect(frames(cause).length).toBeGreaterThan(0);
  });

  test("leaves the process's stack trace limit as it was", () => {
    const before = Error.stackTraceLimit;
    new AppError("RESOURCE_NOT_FOUND");
    expect(Error.stackTraceLimit).toBe(before);
    expect(frames(new Error("later")).length).toBeGreaterThan(0);
  });
});
