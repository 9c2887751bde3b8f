import { createLocalJWKSet, errors, type JWTPayload, jwtVerify } from "jose";
import { type SigningKey, TOKEN_ALGORITHM, toJwks } from "./signing-key.ts";
import { ACCESS_TOKEN_TYPE, type TokenSettings } from "./token-settings.ts";
import { createVerifiedTokenCache } from "./verified-token-cache.ts";

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

type VerifierSettings = Pick<
  TokenSettings,
  "issuer" | "audience" | "ttlSeconds" | "clockSkewSeconds"
>;

/**
 * Why a correctly signed token still cannot be one auth issued, if it cannot: issued in the
 * future (beyond the clock skew) or meant to live longer than any token auth issues. Such a
 * token comes from a clock set wrong or from whoever else holds the key: it is refused rather
 * than trusted longer than auth would trust its own.
 */
function implausibility(
  payload: JWTPayload,
  settings: VerifierSettings,
  nowSeconds: number,
): string | undefined {
  const { iat, exp } = payload;
  if (typeof iat !== "number" || typeof exp !== "number") return "claims_missing";
  if (iat > nowSeconds + settings.clockSkewSeconds) return "iat_in_future";
  if (exp - iat > settings.ttlSeconds) return "lifetime_too_long";
  return undefined;
}

/**
 * Verifies access tokens against the service's own public keys, accepting only EdDSA,
 * the configured issuer and audience and the access-token `typ`: `alg: none`, HMAC with the
 * public key as secret and tokens of other issuers are all refused, and so are tokens issued
 * in the future or living longer than the configured TTL. A token that verified is not
 * verified again until it expires (verified-token-cache.ts).
 */
export function createTokenVerifier(
  keys: readonly SigningKey[],
  settings: VerifierSettings,
  now: () => number = Date.now,
): TokenVerifier {
  const keySet = createLocalJWKSet(toJwks(keys));
  const cache = createVerifiedTokenCache();
  return {
    async verify(token) {
      const recalled = cache.recall(token, now() / 1000);
      if (recalled !== undefined) return { valid: true, token: recalled };
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
        const implausible = implausibility(payload, settings, now() / 1000);
        if (implausible !== undefined) return { valid: false, reason: implausible };
        const verified = { subject: payload.sub, expiresAt: payload.exp };
        cache.remember(token, verified);
        return { valid: true, token: verified };
      } catch (error) {
        return { valid: false, reason: reasonOf(error) };
      }
    },
  };
}
