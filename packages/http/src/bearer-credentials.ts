import { hash, timingSafeEqual } from "node:crypto";
import { UnauthenticatedError } from "@tracemesh/errors";
import type { MiddlewareHandler } from "hono";

/** The longest bearer token accepted, padding included; auth's `POST /v1/authorize` allows no more. */
export const MAX_BEARER_TOKEN_LENGTH = 8192;

// The scheme (any case), spaces, then one word of visible ASCII. RFC 6750's b64token is
// narrower, but shared secrets (CHAOS_TOKEN…) are only required to be 16+ characters: what a
// token must look like beyond this is for its verifier to say (todo-api wants a compact JWS).
const BEARER = /^bearer +([\x21-\x7e]+) *$/i;

/**
 * The token of an `Authorization: Bearer <token>` header; undefined when missing, of another
 * scheme, made of more than one word, or longer than MAX_BEARER_TOKEN_LENGTH.
 */
export function parseBearerToken(header: string | undefined): string | undefined {
  // Checked before the regex so that a megabyte header costs no backtracking.
  if (header === undefined || header.length > MAX_BEARER_TOKEN_LENGTH + 64) return undefined;
  const token = BEARER.exec(header)?.[1];
  return token !== undefined && token.length <= MAX_BEARER_TOKEN_LENGTH ? token : undefined;
}

const digest = (value: string) => hash("sha256", value, "buffer");

/** Constant-time equality that leaks neither content nor length (both sides are hashed first). */
export function secretsEqual(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}

export interface RequireBearerSecretOptions {
  /** The shared secret; when undefined every request is refused (the feature is unconfigured). */
  secret: string | undefined;
}

// Not hono/bearer-auth, whose comparison is constant-time too, for what the contract's 401s need
// and it cannot give: a header of another scheme or a token outside RFC 6750's b64token is its
// 400 invalid_request, where the contract answers 401 AUTH_REQUIRED (bearer-credentials.test.ts
// "lets the right secret in and refuses anything else with 401", and `Bearer s3cret!value#0123`
// among parseBearerToken's tokens: a CHAOS_TOKEN need only be 16 characters); a wrong secret is
// its AUTH_TOKEN_INVALID, where a shared secret's 401 stays the neutral AUTH_REQUIRED
// (chaos-routes.test.ts "refuse a wrong token with 401 AUTH_REQUIRED and change nothing"); and it
// has no length cap (parseBearerToken's `Bearer a…` of MAX_BEARER_TOKEN_LENGTH + 1).

/** 401 AUTH_REQUIRED unless the request carries `Authorization: Bearer <secret>`. */
export function requireBearerSecret(options: RequireBearerSecretOptions): MiddlewareHandler {
  const { secret } = options;
  return async function requireBearerSecretMiddleware(c, next) {
    const presented = parseBearerToken(c.req.header("Authorization"));
    const accepted =
      secret !== undefined && presented !== undefined && secretsEqual(presented, secret);
    if (!accepted) throw new UnauthenticatedError();
    await next();
  };
}
