import { createHash, timingSafeEqual } from "node:crypto";
import { UnauthenticatedError } from "@tracemesh/errors";
import type { MiddlewareHandler } from "hono";

/** The token of an `Authorization: Bearer <token>` header; undefined for any other scheme. */
export function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer[ ]+([^\s]+)[ ]*$/i.exec(authorization ?? "");
  return match?.[1];
}

const digest = (value: string) => createHash("sha256").update(value).digest();

/** Constant-time equality that leaks neither content nor length (both sides are hashed first). */
export function secretsEqual(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}

export interface RequireBearerSecretOptions {
  /** The shared secret; when undefined every request is refused (the feature is unconfigured). */
  secret: string | undefined;
}

/** 401 AUTH_REQUIRED unless the request carries `Authorization: Bearer <secret>`. */
export function requireBearerSecret(options: RequireBearerSecretOptions): MiddlewareHandler {
  const { secret } = options;
  return async function requireBearerSecretMiddleware(c, next) {
    const presented = bearerToken(c.req.header("Authorization"));
    const accepted =
      secret !== undefined && presented !== undefined && secretsEqual(presented, secret);
    if (!accepted) throw new UnauthenticatedError();
    await next();
  };
}
