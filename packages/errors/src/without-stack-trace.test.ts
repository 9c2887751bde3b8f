import { describe, expect, test } from "vitest";
import { withoutStackTrace } from "./without-stack-trace.ts";

describe("withoutStackTrace", () => {
  test("errors built inside have their header line for a stack, and no frames", () => {
    const error = withoutStackTrace(() => new RangeError("refused"));
    expect(error.stack).toBe("RangeError: refused");
  });

  test("errors built afterwards capture their stack again, even when building threw", () => {
    expect(() =>
      withoutStackTrace(() => {
        throw new Error("failed to build");
      }),
    ).toThrow("failed to build");
    expect(new Error("after").stack).toMatch(/\n\s+at /);
  });
});
