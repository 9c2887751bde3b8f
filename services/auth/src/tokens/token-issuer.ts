import { randomUUID } from "node:crypto";
import { SignJWT } from "jose";
import type { User } from "../users/user.ts";
import { type SigningKey, TOKEN_ALGORITHM } from "./signing-key.ts";
import { ACCESS_TOKEN_TYPE, type TokenSettings } from "./token-settings.ts";

/** The body of a successful `POST /v1/token`. */
export interface IssuedToken {
  accessToken: string;
  tokenType: "Bearer";
  /** Seconds until the token expires. */
  expiresIn: number;
}

export interface TokenIssuer {
  issue(user: User): Promise<IssuedToken>;
}

/** Signs short-lived access tokens for authenticated users with the service's signing key. */
export function createTokenIssuer(
  key: SigningKey,
  settings: TokenSettings,
  now: () => number = Date.now,
): TokenIssuer {
  return {
    async issue(user) {
      const issuedAt = Math.floor(now() / 1000);
      const accessToken = await new SignJWT({})
        .setProtectedHeader({ alg: TOKEN_ALGORITHM, kid: key.kid, typ: ACCESS_TOKEN_TYPE })
        .setIssuer(settings.issuer)
        .setAudience(settings.audience)
        .setSubject(user.id)
        .setIssuedAt(issuedAt)
        .setExpirationTime(issuedAt + settings.ttlSeconds)
        .setJti(randomUUID())
        .sign(key.privateKey);
      return { accessToken, tokenType: "Bearer", expiresIn: settings.ttlSeconds };
    },
  };
}
