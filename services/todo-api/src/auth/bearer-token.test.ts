import { expect, test } from "vitest";
import { parseBearerToken } from "./bearer-token.ts";

test.each([
  ["Bearer abc.def.ghi", "abc.def.ghi"],
  ["bearer abc", "abc"],
  ["BEARER   a-b_c~d+e/f==", "a-b_c~d+e/f=="],
  ["Bearer abc ", "abc"],
])("%j carries the token %j", (header, token) => {
  expect(parseBearerToken(header)).toBe(token);
});

test.each([
  [undefined],
  [""],
  ["Bearer"],
  ["Bearer "],
  ["Bearer a b"],
  ["Bearer a,b"],
  ["Bearer <script>"],
  ["Basic YWxpY2U6cHc="],
  ["abc.def.ghi"],
  [" Bearer abc"],
  [`Bearer ${"a".repeat(8193)}`],
])("%j is no bearer token", (header) => {
  expect(parseBearerToken(header)).toBeUndefined();
});
