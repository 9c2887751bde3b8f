import { generateKeyPairSync, type KeyObject, randomUUID, sign } from "node:crypto";

const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString("base64url");

/** A compact JWS over `header` and `payload`, signed with Ed25519 by `key` (none: no signature). */
export function signJwt(header: object, payload: object, key?: KeyObject): string {
  const signingInput = `${encode(header)}.${encode(payload)}`;
  const signature = key ? sign(null, Buffer.from(signingInput), key).toString("base64url") : "";
  return `${signingInput}.${signature}`;
}

/** The claims auth puts in an access token, for `subject`, expiring `expiresInSeconds` from now. */
export function accessTokenClaims(subject: string, expiresInSeconds = 300) {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: "tracemesh-auth",
    aud: "tracemesh",
    sub: subject,
    iat: Math.min(now, now + expiresInSeconds - 300),
    exp: now + expiresInSeconds,
    jti: randomUUID(),
  };
}

export interface ForgeryKeys {
  /** auth's signing key and its kid. */
  privateKey: KeyObject;
  kid: string;
}

/**
 * The tokens an attacker would try, each as the whole Authorization header value (or none):
 * every one must be the same neutral 401 AUTH_REQUIRED.
 */
export function tokenAttacks(
  validToken: string,
  keys: ForgeryKeys,
  subject: string,
  victim: string,
): Record<string, string | undefined> {
  const header = { alg: "EdDSA", typ: "at+jwt", kid: keys.kid };
  const [validHeader, , validSignature] = validToken.split(".");
  const strangerKey = generateKeyPairSync("ed25519").privateKey;
  const tampered = `${validHeader}.${encode(accessTokenClaims(victim))}.${validSignature}`;
  return {
    "alg none": `Bearer ${signJwt({ alg: "none", typ: "at+jwt" }, accessTokenClaims(victim))}`,
    "signed with another key": `Bearer ${signJwt(header, accessTokenClaims(victim), strangerKey)}`,
    expired: `Bearer ${signJwt(header, accessTokenClaims(subject, -60), keys.privateKey)}`,
    "tampered payload": `Bearer ${tampered}`,
    "no Authorization header": undefined,
    "another scheme": `Basic ${Buffer.from("alice:alice-demo-password").toString("base64")}`,
    "the token without Bearer": validToken,
    "Bearer and nothing": "Bearer ",
  };
}
