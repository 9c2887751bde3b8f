import { MAX_BEARER_TOKEN_LENGTH } from "@tracemesh/http";
import { expect, test } from "vitest";
import { parseAccessToken } from "./bearer-token.ts";

// A compact JWS exactly as long as auth accepts.
const longest = `aaaa.bbbb.${"c".repeat(MAX_BEARER_TOKEN_LENGTH - 10)}`;

test.each([
  ["Bearer abc.def.ghi", "abc.def.ghi"],
  ["bearer a-b.c_d.e", "a-b.c_d.e"],
  ["BEARER   abc.def.ghi  ", "abc.def.ghi"],
  [`Bearer ${longest}`, longest],
])("%j carries the access token %j", (header, token) => {
  expect(parseAccessToken(header)).toBe(token);
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
  [" Bearer abc.def.ghi"],
  // Shapes auth refuses with 401 whatever they hold: not three base64url parts, or unsigned.
  ["Bearer abc"],
  ["Bearer abc.def"],
  ["Bearer abc.def.ghi.jkl"],
  ["Bearer abc.def."],
  ["Bearer a+b.c/d.e=="],
  // One character too long, and 8192 plus padding (auth would answer 400 naming its own field).
  [`Bearer ${longest}c`],
  [`Bearer ${"a".repeat(MAX_BEARER_TOKEN_LENGTH)}==`],
])("%j is no access token", (header) => {
  expect(parseAccessToken(header)).toBeUndefined();
});
