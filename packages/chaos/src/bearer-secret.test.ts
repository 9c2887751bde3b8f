import { onError } from "@tracemesh/errors";
import { Hono } from "hono";
import { describe, expect, test } from "vitest";
import { bearerToken, requireBearerSecret, secretsEqual } from "./bearer-secret.ts";

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
