import { UnauthenticatedError } from "@tracemesh/errors";
import { parseBearerToken } from "@tracemesh/http";
import type { Context, MiddlewareHandler } from "hono";

// auth issues compact JWS only (three base64url parts, signed): it refuses anything else with
// the same neutral 401, so such a token is refused here without asking it.
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** The access token of an `Authorization: Bearer <token>` header; undefined unless auth could accept it. */
export function parseAccessToken(header: string | undefined): string | undefined {
  const token = parseBearerToken(header);
  return token !== undefined && COMPACT_JWS.test(token) ? token : undefined;
}

/**
 * The request's bearer token. @throws UnauthenticatedError (401 AUTH_REQUIRED with
 * `WWW-Authenticate: Bearer`): the same neutral answer auth gives for a token that fails.
 */
export function accessTokenOf(c: Context): string {
  const token = parseAccessToken(c.req.header("Authorization"));
  if (token === undefined) {
    throw new UnauthenticatedError({ message: "missing or malformed bearer token" });
  }
  return token;
}

/**
 * Refuses requests without a well-formed bearer token before anything else is said about
 * them (not even 404 or 405), and without asking auth: a request with no token needs no opinion.
 */
export function requireBearerToken(): MiddlewareHandler {
  return async function requireBearerTokenMiddleware(c, next) {
    accessTokenOf(c);
    await next();
  };
}
