import { describe, expect, test } from "vitest";
import { createTestApp } from "../test-utils.ts";

// Every private or symmetric member a JWK can have (RFC 7518 §6): none may ever be published.
const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k", "priv"];

describe("GET /.well-known/jwks.json", () => {
  test("publishes the Ed25519 public key with kid, alg and use, and nothing private", async () => {
    const { app, signingKey } = await createTestApp();
    const response = await app.request("/.well-known/jwks.json");
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("public, max-age=300");
    const jwks = (await response.json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys).toEqual([
      {
        kty: "OKP",
        crv: "Ed25519",
        x: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        kid: signingKey.kid,
        alg: "EdDSA",
        use: "sig",
      },
    ]);
    for (const key of jwks.keys) {
      for (const member of PRIVATE_MEMBERS) expect(key).not.toHaveProperty(member);
    }
  });
});
