import { isIPv4, isIPv6 } from "node:net";
import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context } from "hono";

/**
 * The client's address for rate limiting: the socket's peer, or, behind `trustedProxyHops`
 * reverse proxies, the address the outermost trusted proxy saw (counted from the right of
 * X-Forwarded-For, whose left part any client can forge); as `clientOf` names it.
 */
export function clientAddress(c: Context, trustedProxyHops: number): string {
  return clientOf(addressSeen(c, trustedProxyHops));
}

/**
 * The client an address stands for: an IPv4 address itself, an IPv6 one its /64 network (one
 * host has a whole /64 to pick addresses from, so one key per address would let it pick a fresh
 * one each time, and fill the limiter's table until everyone is refused). A port a proxy
 * appended, IPv6 brackets and zone, and the IPv6 form of an IPv4 address are dropped.
 */
export function clientOf(address: string): string {
  let host = address.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(host);
  if (bracketed?.[1] !== undefined) host = bracketed[1];
  else if (/^[\d.]+:\d+$/.test(host)) host = host.slice(0, host.lastIndexOf(":"));
  host = host.replace(/%.*$/, "");
  if (isIPv4(host) || !isIPv6(host)) return host;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(host);
  if (mapped?.[1] !== undefined) return mapped[1];
  return `${ipv6Groups(host).slice(0, 4).join(":")}::/64`;
}

// The eight groups of an IPv6 address, "::" expanded, each without leading zeros.
function ipv6Groups(address: string): string[] {
  const [head = "", tail] = address.toLowerCase().split("::");
  const groups = (part: string) => (part === "" ? [] : part.split(":"));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const zeros = Array.from({ length: 8 - left.length - right.length }, () => "0");
  return [...left, ...zeros, ...right].map((group) => group.replace(/^0+(?=.)/, ""));
}

function addressSeen(c: Context, trustedProxyHops: number): string {
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
