import { Hono } from "hono";
import { describe, expect, test } from "vitest";
import { fromPeer } from "../test-utils.ts";
import { clientAddress, clientOf } from "./client-address.ts";

function appWithHops(hops: number) {
  return new Hono().get("/", (c) => c.text(clientAddress(c, hops)));
}

async function addressSeen(hops: number, forwardedFor?: string, peer = "10.0.0.1") {
  const headers: Record<string, string> = forwardedFor ? { "X-Forwarded-For": forwardedFor } : {};
  const response = await appWithHops(hops).request("/", { headers }, fromPeer(peer));
  return response.text();
}

describe("clientAddress", () => {
  test("uses the socket's peer and ignores X-Forwarded-For unless proxies are trusted", async () => {
    expect(await addressSeen(0)).toBe("10.0.0.1");
    expect(await addressSeen(0, "1.2.3.4")).toBe("10.0.0.1");
  });

  test("behind N trusted proxies, takes the Nth address from the right", async () => {
    expect(await addressSeen(1, "6.6.6.6, 203.0.113.7")).toBe("203.0.113.7");
    expect(await addressSeen(2, "6.6.6.6, 203.0.113.7, 10.1.1.1")).toBe("203.0.113.7");
  });

  test("a short X-Forwarded-For falls back to its leftmost address, or to the peer", async () => {
    expect(await addressSeen(3, "203.0.113.7")).toBe("203.0.113.7");
    expect(await addressSeen(1)).toBe("10.0.0.1");
  });

  test("without a Node socket (app.request) the address is 'unknown'", async () => {
    const response = await appWithHops(0).request("/");
    expect(await response.text()).toBe("unknown");
  });
});

describe("clientOf", () => {
  test.each([
    ["203.0.113.7", "203.0.113.7"],
    ["203.0.113.7:50123", "203.0.113.7"],
    ["::ffff:203.0.113.7", "203.0.113.7"],
    ["2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"],
    ["2001:0db8:0001:0002::1", "2001:db8:1:2::/64"],
    ["[2001:db8:1:2::99]:443", "2001:db8:1:2::/64"],
    ["fe80::1%eth0", "fe80:0:0:0::/64"],
    ["::1", "0:0:0:0::/64"],
    ["::ffff:cb00:7107", "203.0.113.7"],
    ["64:ff9b::203.0.113.7", "203.0.113.7"],
    ["64:ff9b::cb00:7108", "203.0.113.8"],
    ["unknown", "unknown"],
  ])("%s is the client %s", (address, client) => {
    expect(clientOf(address)).toBe(client);
  });

  test("the addresses of one IPv6 /64 are one client; of two /64s, two", () => {
    expect(clientOf("2001:db8:1:2::1")).toBe(clientOf("2001:db8:1:2:ffff::42"));
    expect(clientOf("2001:db8:1:2::1")).not.toBe(clientOf("2001:db8:1:3::1"));
  });
});
