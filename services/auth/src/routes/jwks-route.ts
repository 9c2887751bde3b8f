import { Hono } from "hono";
import { type SigningKey, toJwks } from "../tokens/signing-key.ts";

/** `GET /.well-known/jwks.json`: the public halves of the signing keys (RFC 7517). */
export function jwksRoute(keys: readonly SigningKey[]): Hono {
  const body = toJwks(keys);
  return new Hono().get("/.well-known/jwks.json", (c) => {
    // Keys change only at restart or rotation; a few minutes of caching spares every verifier.
    c.header("Cache-Control", "public, max-age=300");
    return c.json(body);
  });
}
