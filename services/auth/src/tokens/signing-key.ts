import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from "node:crypto";
import { calculateJwkThumbprint, exportJWK, type JSONWebKeySet, type JWK } from "jose";

/** The one JWS algorithm auth signs with and accepts: EdDSA over Ed25519. */
export const TOKEN_ALGORITHM = "EdDSA";

export interface SigningKey {
  /** The JWK thumbprint (RFC 7638) of the public key, sent as the JWT header's `kid`. */
  kid: string;
  privateKey: KeyObject;
  /** Public members only: what `/.well-known/jwks.json` publishes. */
  publicJwk: JWK;
}

async function fromPrivateKey(privateKey: KeyObject): Promise<SigningKey> {
  if (privateKey.asymmetricKeyType !== "ed25519") {
    throw new Error(`signing key must be Ed25519, got ${privateKey.asymmetricKeyType}`);
  }
  const { kty, crv, x } = await exportJWK(createPublicKey(privateKey));
  const kid = await calculateJwkThumbprint({ kty, crv, x });
  return { kid, privateKey, publicJwk: { kty, crv, x, kid, alg: TOKEN_ALGORITHM, use: "sig" } };
}

/** A fresh Ed25519 key: tokens from a previous run stop verifying, which suits short-lived tokens. */
export function generateSigningKey(): Promise<SigningKey> {
  return fromPrivateKey(generateKeyPairSync("ed25519").privateKey);
}

/** Whether `pem` is an Ed25519 private key in PKCS#8 PEM, as `importSigningKey` takes it. */
export function isEd25519PrivateKeyPem(pem: string): boolean {
  try {
    return createPrivateKey({ key: pem, format: "pem" }).asymmetricKeyType === "ed25519";
  } catch {
    return false;
  }
}

/** The key from a PKCS#8 PEM (`JWT_PRIVATE_KEY`), so that replicas and restarts share tokens. */
export function importSigningKey(pkcs8Pem: string): Promise<SigningKey> {
  return fromPrivateKey(createPrivateKey({ key: pkcs8Pem, format: "pem" }));
}

/** The JSON Web Key Set of the given keys' public halves. */
export function toJwks(keys: readonly SigningKey[]): JSONWebKeySet {
  return { keys: keys.map((key) => ({ ...key.publicJwk })) };
}
