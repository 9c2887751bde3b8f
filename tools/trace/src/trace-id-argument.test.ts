import { expect, test } from "vitest";
import { traceIdArgument } from "./trace-id-argument.ts";

const ID = "1d7db70aa67b2ad8bcb2340f059d523e";

test("a trace id as an error body's traceId gives it, in any case", () => {
  expect(traceIdArgument([ID])).toBe(ID);
  expect(traceIdArgument([ID.toUpperCase()])).toBe(ID);
});

test("a traceparent or traceresponse header's value gives its trace id", () => {
  expect(traceIdArgument([`00-${ID}-4f73ccfad74b2c8f-01`])).toBe(ID);
});

test("npm's `--` before the arguments is skipped", () => {
  expect(traceIdArgument(["--", ID])).toBe(ID);
});

test.each([
  [[]],
  [["--"]],
  [["1d7db70a"]],
  [[`${ID}0`]],
  [["4f73ccfad74b2c8f"]],
  [[`00-${ID}-4f73ccfad74b2c8f`]],
  [["--help"]],
])("%j holds no trace id", (args) => {
  expect(traceIdArgument(args)).toBeUndefined();
});
