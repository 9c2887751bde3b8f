// The bare twin's auth: the same JWT check as auth's (EdDSA against auth's own published keys,
// its issuer and audience), and nothing else: no contract, no logging, no telemetry. What
// tracemesh's auth is measured against. `PORT=… JWKS_URL=… node bare-auth.ts`
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { createRemoteJWKSet, jwtVerify } from "jose";

const port = Number(process.env.PORT ?? 0);
const keys = createRemoteJWKSet(new URL(process.env.JWKS_URL ?? ""));

const app = new Hono().post("/v1/authorize", async (c) => {
  const { token } = await c.req.json<{ token: string }>();
  try {
    const { payload } = await jwtVerify(token.replace(/^Bearer /, ""), keys, {
      algorithms: ["EdDSA"],
      issuer: "tracemesh-auth",
      audience: "tracemesh",
    });
    return c.json({ allow: true, subject: payload.sub });
  } catch {
    return c.json({ allow: false }, 401);
  }
});

serve({ fetch: app.fetch, port, hostname: "127.0.0.1" }, (info) => {
  process.stdout.write(`${JSON.stringify({ event: "server.listening", port: info.port })}\n`);
});
