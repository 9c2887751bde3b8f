import { describe, expect, test } from "vitest";
import { bearerToken, secretsEqual } from "./bearer-secret.ts";

describe("bearerToken", () => {
  test.each([
    ["Bearer abc.def", "abc.def"],
    ["bearer abc", "abc"],
    ["Bearer  abc ", "abc"],
    ["Basic YWxpY2U6cHc=", undefined],
    ["Bearer", undefined],
    ["Bearer a b", undefined],
    ["abc", undefined],
    [undefined, undefined],
  ])("%j → %j", (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });
});

describe("secretsEqual", () => {
  test("compares content, whatever the lengths", () => {
    expect(secretsEqual("s3cret-value", "s3cret-value")).toBe(true);
    expect(secretsEqual("s3cret-valuE", "s3cret-value")).toBe(false);
    expect(secretsEqual("s3cret", "s3cret-value")).toBe(false);
    expect(secretsEqual("", "s3cret-value")).toBe(false);
  });
});
