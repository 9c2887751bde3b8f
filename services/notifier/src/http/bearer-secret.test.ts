import { describe, expect, test } from "vitest";
import { bearerToken, secretsEqual } from "./bearer-secret.ts";

describe("bearer secrets", () => {
  test.each([
    ["Bearer abc", "abc"],
    ["bearer   abc ", "abc"],
    ["Basic abc", undefined],
    ["Bearer", undefined],
    ["Bearer a b", undefined],
    [undefined, undefined],
  ])("%j carries %j", (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });

  test("equality holds only for the same secret, whatever the lengths", () => {
    expect(secretsEqual("same-secret-value", "same-secret-value")).toBe(true);
    expect(secretsEqual("same-secret-value", "same-secret-valuE")).toBe(false);
    expect(secretsEqual("short", "a-much-longer-secret-value")).toBe(false);
  });
});
