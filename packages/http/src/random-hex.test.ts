import { expect, test } from "vitest";
import { randomHex } from "./random-hex.ts";

test("gives as many random bytes as asked, in lowercase hex", () => {
  expect(randomHex(16)).toMatch(/^[0-9a-f]{32}$/);
  expect(randomHex(8)).toMatch(/^[0-9a-f]{16}$/);
});

test("never the same id twice, across refills of its pool", () => {
  const ids = Array.from({ length: 2_000 }, () => randomHex(16));
  expect(new Set(ids).size).toBe(ids.length);
});
