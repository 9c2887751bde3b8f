import { createLocalJWKSet, errors, jwtVerify } from "jose";
import { type SigningKey, TOKEN_ALGORITHM, toJwks } from "./signing-key.ts";
import { ACCESS_TOKEN_TYPE, type TokenSettings } from "./token-settings.ts";

export interface VerifiedToken {
  subject: string;
  /** `exp`, in seconds since the epoch. */
  expiresAt: number;
}

/** Either the verified claims or, for the server-side log only, why the token was refused. */
export type TokenVerification =
  | { valid: true; token: VerifiedToken }
  | { valid: false; reason: string };

export interface TokenVerifier {
  verify(token: string): Promise<TokenVerification>;
}

function reasonOf(error: unknown): string {
  if (error instanceof errors.JWTClaimValidationFailed) return `${error.code}:${error.claim}`;
  if (error instanceof errors.JOSEError) return error.code;
  return "unexpected";
}

/**
 * Verifies access tokens against the service's own public keys, accepting only EdDSA,
 * the configured issuer and audience and the access-token `typ`: `alg: none`, HMAC with the
 * public key as secret and tokens of other issuers are all refused.
 */
export function createTokenVerifier(
  keys: readonly SigningKey[],
  settings: Pick<TokenSettings, "issuer" | "audience">,
  now: () => number = Date.now,
): TokenVerifier {
  const keySet = createLocalJWKSet(toJwks(keys));
  return {
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, keySet, {
          algorithms: [TOKEN_ALGORITHM],
          issuer: settings.issuer,
          audience: settings.audience,
          typ: ACCESS_TOKEN_TYPE,
          requiredClaims: ["sub", "exp", "iat"],
          currentDate: new Date(now()),
        });
        if (typeof payload.sub !== "string" || typeof payload.exp !== "number") {
          return { valid: false, reason: "claims_missing" };
        }
        return { valid: true, token: { subject: payload.sub, expiresAt: payload.exp } };
      } catch (error) {
        return { valid: false, reason: reasonOf(error) };
      }
    },
  };
}
