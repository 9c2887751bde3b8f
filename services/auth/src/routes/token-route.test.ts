import { createLocalJWKSet, decodeProtectedHeader, type JSONWebKeySet, jwtVerify } from "jose";
import { describe, expect, test } from "vitest";
import { ALICE, createTestApp, postJson } from "../test-utils.ts";
import { TEST_TOKENS } from "../testing.ts";

type Body = Record<string, unknown>;

/** The error body minus the two fields that differ per request. */
function neutralPart(body: Body): Body {
  const { traceId, timestamp, ...rest } = body;
  expect(traceId).toMatch(/^[0-9a-f]{32}$/);
  expect(typeof timestamp).toBe("string");
  return rest;
}

describe("POST /v1/token", () => {
  test("issues a short-lived EdDSA JWT that verifies against the published JWKS", async () => {
    const { app, clock } = await createTestApp();
    const response = await postJson(app, "/v1/token", {
      username: "alice",
      password: "alice-demo-password",
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const body = (await response.json()) as Body;
    expect(body).toEqual({
      accessToken: expect.any(String),
      tokenType: "Bearer",
      expiresIn: TEST_TOKENS.ttlSeconds,
    });

    const token = String(body.accessToken);
    const jwks = (await (await app.request("/.well-known/jwks.json")).json()) as JSONWebKeySet;
    const header = decodeProtectedHeader(token);
    expect(header).toEqual({ alg: "EdDSA", kid: jwks.keys[0]?.kid, typ: "at+jwt" });
    const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), {
      algorithms: ["EdDSA"],
      currentDate: new Date(clock.now()),
    });
    const issuedAt = clock.now() / 1000;
    expect(payload).toEqual({
      iss: TEST_TOKENS.issuer,
      aud: TEST_TOKENS.audience,
      sub: ALICE.id,
      iat: issuedAt,
      exp: issuedAt + TEST_TOKENS.ttlSeconds,
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
  });

  test("a wrong password and an unknown user get the same 401, apart from traceId and timestamp", async () => {
    const { app, logs } = await createTestApp();
    const attempts = [
      { username: "alice", password: "not-alices-password" },
      { username: "mallory", password: "alice-demo-password" },
      { username: "ALICE", password: "x" },
    ];
    const responses = await Promise.all(attempts.map((body) => postJson(app, "/v1/token", body)));
    const bodies = await Promise.all(
      responses.map(async (r) => neutralPart((await r.json()) as Body)),
    );
    for (const response of responses) {
      expect(response.status).toBe(401);
      expect(response.headers.get("WWW-Authenticate")).toBe("Bearer");
      expect(response.headers.get("Retry-After")).toBeNull();
    }
    expect(bodies[0]).toEqual({
      errorCode: "AUTH_INVALID_CREDENTIALS",
      message: "The credentials are invalid.",
      path: "/v1/token",
      method: "POST",
      retryable: false,
    });
    expect(bodies[1]).toEqual(bodies[0]);
    expect(bodies[2]).toEqual(bodies[0]);
    const headerNames = responses.map((r) => [...r.headers.keys()].sort().join(","));
    expect(new Set(headerNames).size).toBe(1);

    const failures = (await logs.lines()).filter((line) => line.event === "auth.login_failed");
    expect(failures).toHaveLength(3);
    // Neither the username nor the password reaches the logs.
    expect(JSON.stringify(await logs.lines())).not.toMatch(/mallory|not-alices-password/);
  });

  test("bad input is a 400 in the contract that never echoes the password", async () => {
    const { app } = await createTestApp();
    const response = await postJson(app, "/v1/token", { username: "alice", password: 42 });
    expect(response.status).toBe(400);
    const body = (await response.json()) as Body;
    expect(body.errorCode).toBe("REQUEST_PARAMETER_INVALID");
    expect(body.details).toEqual([expect.objectContaining({ field: "password" })]);

    const missing = await postJson(app, "/v1/token", { username: "alice" });
    expect(missing.status).toBe(400);
    const secret = await postJson(app, "/v1/token", { username: "", password: "hunter2-secret" });
    expect(secret.status).toBe(400);
    expect(await secret.text()).not.toContain("hunter2-secret");
  });

  test("a username longer than 128 characters once normalised is refused before any count", async () => {
    const { app } = await createTestApp();
    // 128 characters sent, 2,304 after NFKC: the throttle would have kept it a whole window.
    const response = await postJson(app, "/v1/token", {
      username: "\uFDFA".repeat(128),
      password: "hunter2-secret",
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as Body;
    expect(body.details).toEqual([{ field: "username", issue: "too_long", max: 128 }]);
  });

  test("the longest password, every character written as a JSON escape, fits the body limit", async () => {
    const { app } = await createTestApp();
    const escaped = (text: string) =>
      [...text].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join("");
    const body = `{"username":"${escaped("alice")}","password":"${escaped("é".repeat(1024))}"}`;
    expect(body.length).toBeGreaterThan(6_000);
    const response = await app.request("/v1/token", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body,
    });
    // Read, and refused only for being wrong.
    expect(response.status).toBe(401);
  });

  test("a body that is not JSON gets REQUEST_BODY_INVALID", async () => {
    const { app } = await createTestApp();
    const response = await app.request("/v1/token", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: "{ nope",
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as Body).errorCode).toBe("REQUEST_BODY_INVALID");
  });
});
