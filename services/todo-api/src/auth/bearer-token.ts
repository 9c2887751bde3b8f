import { UnauthenticatedError } from "@tracemesh/errors";
import type { Context, MiddlewareHandler } from "hono";

// RFC 6750 §2.1: the scheme (any case), then a b64token; bounded like auth's own check.
const BEARER = /^bearer +([A-Za-z0-9\-._~+/]{1,8192}=*) *$/i;

/** The token of an `Authorization: Bearer <token>` header; undefined when missing or malformed. */
export function parseBearerToken(header: string | undefined): string | undefined {
  return header === undefined ? undefined : BEARER.exec(header)?.[1];
}

/**
 * The request's bearer token. @throws UnauthenticatedError (401 AUTH_REQUIRED with
 * `WWW-Authenticate: Bearer`): the same neutral answer auth gives for a token that fails.
 */
export function accessTokenOf(c: Context): string {
  const token = parseBearerToken(c.req.header("Authorization"));
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
