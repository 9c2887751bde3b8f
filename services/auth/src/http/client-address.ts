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
  const groups = ipv6Groups(host);
  return embeddedIPv4(groups) ?? `${groups.slice(0, 4).join(":")}::/64`;
}

/**
 * The IPv4 client an IPv6 address stands for: IPv4-mapped (`::ffff:a.b.c.d`, as a dual-stack
 * socket reports an IPv4 peer) or NAT64 (`64:ff9b::a.b.c.d`, every IPv4 client behind the
 * translator, which a /64 would lump together).
 */
function embeddedIPv4(groups: string[]): string | undefined {
  const prefix = groups.slice(0, 6).join(":");
  if (prefix !== "0:0:0:0:0:ffff" && prefix !== "64:ff9b:0:0:0:0") return undefined;
  const [high = 0, low = 0] = groups.slice(6).map((group) => Number.parseInt(group, 16));
  return [high >> 8, high & 255, low >> 8, low & 255].join(".");
}

// The eight groups of an IPv6 address, "::" expanded, each without leading zeros; a dotted IPv4
// tail (`::ffff:1.2.3.4`) as the two groups it stands for.
function ipv6Groups(address: string): string[] {
  const dotted = /^(.*:)(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(address);
  if (dotted) {
    const [, head = "", a, b, c, d] = dotted;
    const hex = (x = "0", y = "0") => ((Number(x) << 8) | Number(y)).toString(16);
    return ipv6Groups(`${head}${hex(a, b)}:${hex(c, d)}`);
  }
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
