import { Hono } from "hono";
import { describe, expect, test } from "vitest";
import {
  MAX_BEARER_TOKEN_LENGTH,
  parseBearerToken,
  requireBearerSecret,
  secretsEqual,
} from "./bearer-credentials.ts";
import { onError } from "./on-error.ts";

describe("parseBearerToken", () => {
  test.each([
    ["Bearer abc.def.ghi", "abc.def.ghi"],
    ["bearer abc", "abc"],
    ["BEARER   a-b_c~d+e/f==", "a-b_c~d+e/f=="],
    ["Bearer abc ", "abc"],
    ["Bearer s3cret!value#0123", "s3cret!value#0123"],
    [`Bearer ${"a".repeat(MAX_BEARER_TOKEN_LENGTH)}`, "a".repeat(MAX_BEARER_TOKEN_LENGTH)],
  ])("%j carries the token %j", (header, token) => {
    expect(parseBearerToken(header)).toBe(token);
  });

  test.each([
    [undefined],
    [""],
    ["Bearer"],
    ["Bearer "],
    ["Bearer a b"],
    ["Bearer\tabc"],
    ["Bearer abc\n"],
    ["Bearer é"],
    ["Basic YWxpY2U6cHc="],
    ["abc.def.ghi"],
    [" Bearer abc"],
    // Padding counts: auth refuses a token longer than the limit, whatever it ends with.
    [`Bearer ${"a".repeat(MAX_BEARER_TOKEN_LENGTH)}==`],
    [`Bearer ${"a".repeat(MAX_BEARER_TOKEN_LENGTH + 1)}`],
    [`Bearer ${" ".repeat(100_000)}abc`],
  ])("%j is no bearer token", (header) => {
    expect(parseBearerToken(header)).toBeUndefined();
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

describe("requireBearerSecret", () => {
  const appWith = (secret: string | undefined) => {
    const app = new Hono();
    app.onError(onError);
    return app.get("/", requireBearerSecret({ secret }), (c) => c.text("in"));
  };
  const call = (app: Hono, authorization?: string) =>
    app.request(
      "/",
      authorization === undefined ? {} : { headers: { Authorization: authorization } },
    );

  test("lets the right secret in and refuses anything else with 401", async () => {
    const app = appWith("s3cret-value-0123456789");
    expect((await call(app, "Bearer s3cret-value-0123456789")).status).toBe(200);
    expect((await call(app, "bearer  s3cret-value-0123456789 ")).status).toBe(200);
    expect((await call(app, "Bearer s3cret-value-012345678")).status).toBe(401);
    expect((await call(app, "Basic s3cret-value-0123456789")).status).toBe(401);
    expect((await call(app)).status).toBe(401);
  });

  test("without a configured secret refuses every request", async () => {
    const app = appWith(undefined);
    expect((await call(app, "Bearer undefined")).status).toBe(401);
    expect((await call(app, "Bearer ")).status).toBe(401);
  });
});
