import { expect, test } from "vitest";
import { percentile } from "./percentile.ts";

test("the nearest-rank percentile of unsorted values", () => {
  const values = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
  expect(percentile(values, 50)).toBe(5);
  expect(percentile(values, 99)).toBe(10);
  expect(percentile(values, 10)).toBe(1);
  expect(percentile([42], 99)).toBe(42);
  expect(percentile([], 50)).toBeNaN();
});
