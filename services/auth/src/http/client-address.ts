import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context } from "hono";

/**
 * The client's address for rate limiting: the socket's peer, or, behind `trustedProxyHops`
 * reverse proxies, the address the outermost trusted proxy saw (counted from the right of
 * X-Forwarded-For, whose left part any client can forge).
 */
export function clientAddress(c: Context, trustedProxyHops: number): string {
  let peer = "unknown";
  try {
    peer = getConnInfo(c).remote.address ?? peer;
  } catch {
    // No Node socket behind this request (app.request in tests, other runtimes).
  }
  if (trustedProxyHops === 0) return peer;
  const forwarded = (c.req.header("X-Forwarded-For") ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
  const chain = [peer, ...forwarded.reverse()];
  return chain[Math.min(trustedProxyHops, chain.length - 1)] ?? peer;
}
