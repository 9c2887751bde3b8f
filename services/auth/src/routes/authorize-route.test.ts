import { generateKeyPairSync } from "node:crypto";
import { base64url, SignJWT } from "jose";
import { describe, expect, test } from "vitest";
import { ALICE, BOB, CAROL, createTestApp, login, postJson } from "../test-utils.ts";
import { TEST_TOKENS } from "../testing.ts";

type Body = Record<string, unknown>;

function neutralPart(body: Body): Body {
  const { traceId, timestamp, ...rest } = body;
  expect(traceId).toMatch(/^[0-9a-f]{32}$/);
  return rest;
}

const authorize = (
  app: Parameters<typeof postJson>[0],
  token: string,
  action = "todos:read",
  resource = "todos",
) => postJson(app, "/v1/authorize", { token, action, resource });

describe("POST /v1/authorize", () => {
  test("allows a user's own todos and returns the subject id", async () => {
    const { app } = await createTestApp();
    const token = await login(app, "alice", "alice-demo-password");
    const response = await authorize(app, token, "todos:write", "todos/42");
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    expect(await response.json()).toEqual({
      allow: true,
      subject: ALICE.id,
      username: "alice",
      roles: ["user"],
      action: "todos:write",
      resource: "todos/42",
      expiresAt: new Date(
        Date.parse("2026-11-25T10:00:00.000Z") + TEST_TOKENS.ttlSeconds * 1000,
      ).toISOString(),
    });
  });

  test("accepts the client's whole `Bearer <token>` header value as the token", async () => {
    const { app } = await createTestApp();
    const token = await login(app, "bob", "bob-demo-password");
    const response = await authorize(app, `Bearer ${token}`);
    expect(await response.json()).toMatchObject({ allow: true, subject: BOB.id });
  });

  test("a viewer may read but not write: 403 FORBIDDEN", async () => {
    const { app, logs } = await createTestApp();
    const token = await login(app, "carol", "carol-demo-password");
    expect((await authorize(app, token, "todos:read", "todos/7")).status).toBe(200);
    const denied = await authorize(app, token, "todos:write", "todos/7");
    expect(denied.status).toBe(403);
    expect(neutralPart((await denied.json()) as Body)).toEqual({
      errorCode: "FORBIDDEN",
      message: "You are not allowed to perform this action.",
      details: [{ field: "action", issue: "action_not_granted" }],
      path: "/v1/authorize",
      method: "POST",
      retryable: false,
    });
    const line = (await logs.lines()).find((l) => l.event === "auth.access_denied");
    expect(line).toMatchObject({ subject: CAROL.id, action: "todos:write" });
  });

  test("an action outside the resource's namespace is denied", async () => {
    const { app } = await createTestApp();
    const token = await login(app, "alice", "alice-demo-password");
    expect((await authorize(app, token, "todos:read", "users/1")).status).toBe(403);
  });

  test("malformed requests are 400s", async () => {
    const { app } = await createTestApp();
    const token = await login(app, "alice", "alice-demo-password");
    for (const body of [
      { token, action: "todos:read" },
      { token, action: "read todos", resource: "todos" },
      { token, action: "todos:read", resource: "../etc/passwd" },
      { action: "todos:read", resource: "todos" },
    ]) {
      const response = await postJson(app, "/v1/authorize", body);
      expect(response.status).toBe(400);
      expect(((await response.json()) as Body).errorCode).toBe("REQUEST_PARAMETER_INVALID");
    }
  });
});

describe("POST /v1/authorize refuses every bad token with one neutral 401", () => {
  test("none alg, wrong key, expired, tampered, wrong audience/issuer/typ, HMAC confusion…", async () => {
    const { app, clock, signingKey, logs } = await createTestApp();
    const good = await login(app, "alice", "alice-demo-password");
    const [header, payload, signature] = good.split(".") as [string, string, string];
    const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload)));
    const encode = (value: unknown) => base64url.encode(JSON.stringify(value));
    const kid = signingKey.kid;
    const otherKey = generateKeyPairSync("ed25519").privateKey;
    const sign = (
      overrides: Record<string, unknown>,
      key = signingKey.privateKey,
      typ = "at+jwt",
    ) =>
      new SignJWT({ ...claims, ...overrides })
        .setProtectedHeader({ alg: "EdDSA", kid, typ })
        .sign(key);

    clock.advance(1000);
    // Signed by the right key, but its exp passed a second ago.
    const expired = await sign({ exp: claims.iat, iat: claims.iat - TEST_TOKENS.ttlSeconds });
    const flipped = signature.startsWith("A") ? `B${signature.slice(1)}` : `A${signature.slice(1)}`;
    const hmacWithPublicKey = await new SignJWT(claims)
      .setProtectedHeader({ alg: "HS256", kid, typ: "at+jwt" })
      .sign(base64url.decode(String(signingKey.publicJwk.x)));

    const attacks: Record<string, string> = {
      "alg none": `${encode({ alg: "none", kid, typ: "at+jwt" })}.${payload}.`,
      "wrong key": await sign({}, otherKey),
      expired,
      "tampered payload": `${header}.${encode({ ...claims, sub: BOB.id })}.${signature}`,
      "tampered signature": `${header}.${payload}.${flipped}`,
      "signature stripped": `${header}.${payload}.`,
      "wrong audience": await sign({ aud: "someone-else" }),
      "wrong issuer": await sign({ iss: "https://evil.example" }),
      "not an access token (typ JWT)": await sign({}, signingKey.privateKey, "JWT"),
      "HS256 keyed with the public key": hmacWithPublicKey,
      "unknown subject": await sign({ sub: "ghost" }),
      "no sub claim": await sign({ sub: undefined }),
      "missing Bearer (other scheme)": `Basic ${Buffer.from("alice:pw").toString("base64")}`,
      "empty token": "",
      garbage: "not-a-jwt",
    };

    const expected = await (async () => {
      const response = await authorize(app, "");
      return neutralPart((await response.json()) as Body);
    })();
    expect(expected).toEqual({
      errorCode: "AUTH_REQUIRED",
      message: "Authentication is required.",
      path: "/v1/authorize",
      method: "POST",
      retryable: false,
    });

    for (const [name, token] of Object.entries(attacks)) {
      const response = await authorize(app, token);
      expect(response.status, name).toBe(401);
      expect(response.headers.get("WWW-Authenticate"), name).toBe("Bearer");
      expect(neutralPart((await response.json()) as Body), name).toEqual(expected);
    }
    // The good token still passes: the refusals above are about the tokens, not the setup.
    expect((await authorize(app, good)).status).toBe(200);

    // Why each was refused is for the server's log only.
    const reasons = (await logs.lines())
      .filter((line) => line.event === "auth.token_rejected")
      .map((line) => line.reason);
    expect(reasons).toEqual([
      "ERR_JWS_INVALID", // the empty token that set `expected`
      "ERR_JOSE_ALG_NOT_ALLOWED", // alg none
      "ERR_JWS_SIGNATURE_VERIFICATION_FAILED", // wrong key
      "ERR_JWT_EXPIRED",
      "ERR_JWS_SIGNATURE_VERIFICATION_FAILED", // tampered payload
      "ERR_JWS_SIGNATURE_VERIFICATION_FAILED", // tampered signature
      "ERR_JWS_SIGNATURE_VERIFICATION_FAILED", // signature stripped
      "ERR_JWT_CLAIM_VALIDATION_FAILED:aud",
      "ERR_JWT_CLAIM_VALIDATION_FAILED:iss",
      "ERR_JWT_CLAIM_VALIDATION_FAILED:typ",
      "ERR_JOSE_ALG_NOT_ALLOWED", // HS256
      "unknown_subject",
      "ERR_JWT_CLAIM_VALIDATION_FAILED:sub",
      "ERR_JWS_INVALID", // Basic scheme
      "ERR_JWS_INVALID", // empty
      "ERR_JWS_INVALID", // garbage
    ]);
  });
});

describe("POST /v1/authorize refuses correctly signed tokens that are not believable", () => {
  test("issued in the future past the clock skew, or living longer than the token TTL: the same neutral 401", async () => {
    const { app, signingKey, logs } = await createTestApp();
    const good = await login(app, "alice", "alice-demo-password");
    const [, payload] = good.split(".") as [string, string, string];
    const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload)));
    // Signed with auth's own key, as only auth (or whoever holds its key) could.
    const sign = (overrides: Record<string, unknown>) =>
      new SignJWT({ ...claims, ...overrides })
        .setProtectedHeader({ alg: "EdDSA", kid: signingKey.kid, typ: "at+jwt" })
        .sign(signingKey.privateKey);
    const { ttlSeconds: ttl, clockSkewSeconds: skew } = TEST_TOKENS;
    const issuedAhead = (seconds: number) =>
      sign({ iat: claims.iat + seconds, exp: claims.iat + seconds + ttl });

    const refused: Record<string, string> = {
      "issued a second past the clock skew": await issuedAhead(skew + 1),
      "issued a day ahead": await issuedAhead(86_400),
      "a second longer than the TTL": await sign({ exp: claims.iat + ttl + 1 }),
      "valid for a year": await sign({ exp: claims.iat + 365 * 86_400 }),
      "backdated to last longer": await sign({ iat: claims.iat - ttl, exp: claims.exp + ttl }),
    };
    const accepted: Record<string, string> = {
      "issued ahead within the clock skew": await issuedAhead(skew),
      "exactly the TTL, as auth issues them": good,
      "a shorter lifetime": await sign({ exp: claims.iat + 60 }),
    };

    const expected = neutralPart((await (await authorize(app, "")).json()) as Body);
    for (const [name, token] of Object.entries(refused)) {
      const response = await authorize(app, token);
      expect(response.status, name).toBe(401);
      expect(response.headers.get("WWW-Authenticate"), name).toBe("Bearer");
      expect(neutralPart((await response.json()) as Body), name).toEqual(expected);
    }
    for (const [name, token] of Object.entries(accepted)) {
      expect((await authorize(app, token)).status, name).toBe(200);
    }

    const reasons = (await logs.lines())
      .filter((line) => line.event === "auth.token_rejected")
      .map((line) => line.reason);
    expect(reasons).toEqual([
      "ERR_JWS_INVALID", // the empty token that set `expected`
      "iat_in_future",
      "iat_in_future",
      "lifetime_too_long",
      "lifetime_too_long",
      "lifetime_too_long",
    ]);
  });
});
