import { describe, expect, test } from "vitest";
import { createTestApp, postJson } from "../test-utils.ts";

const loginLimits = { perClient: 5, perUsername: 3, windowMs: 60_000 };
const right = { username: "alice", password: "alice-demo-password" };
const wrong = { username: "alice", password: "guess" };

describe("POST /v1/token rate limits", () => {
  test("per username: 429 RATE_LIMITED with Retry-After, even for the right password, until the window ends", async () => {
    const { app, clock, logs } = await createTestApp({ loginLimits });
    for (const peer of ["10.0.0.1", "10.0.0.2", "10.0.0.3"]) {
      expect((await postJson(app, "/v1/token", wrong, { peer })).status).toBe(401);
    }
    clock.advance(20_000);
    const limited = await postJson(app, "/v1/token", right, { peer: "10.0.0.4" });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("Retry-After")).toBe("40");
    expect(await limited.json()).toMatchObject({ errorCode: "RATE_LIMITED", retryable: true });
    // Other users are not affected.
    const bob = { username: "bob", password: "bob-demo-password" };
    expect((await postJson(app, "/v1/token", bob, { peer: "10.0.0.4" })).status).toBe(200);

    clock.advance(40_000);
    expect((await postJson(app, "/v1/token", right, { peer: "10.0.0.4" })).status).toBe(200);
    const throttled = (await logs.lines()).filter((line) => line.event === "auth.login_throttled");
    expect(throttled).toEqual([expect.objectContaining({ limitedBy: "username", cause: "limit" })]);
  });

  test("per client: one address spraying usernames is stopped, others are not", async () => {
    const { app, clock } = await createTestApp({ loginLimits });
    for (const username of ["u1", "u2", "u3", "u4", "u5"]) {
      const response = await postJson(
        app,
        "/v1/token",
        { username, password: "x" },
        { peer: "10.9.9.9" },
      );
      expect(response.status).toBe(401);
    }
    const sixth = await postJson(app, "/v1/token", right, { peer: "10.9.9.9" });
    expect(sixth.status).toBe(429);
    expect(sixth.headers.get("Retry-After")).toBe("60");
    expect((await postJson(app, "/v1/token", right, { peer: "10.1.1.1" })).status).toBe(200);
    clock.advance(60_000);
    expect((await postJson(app, "/v1/token", right, { peer: "10.9.9.9" })).status).toBe(200);
  });

  test("a throttled client's flood of made-up usernames does not reopen alice to guessing", async () => {
    const { app, logs } = await createTestApp({ loginLimits: { ...loginLimits, maxKeys: 20 } });
    for (const peer of ["10.0.0.1", "10.0.0.2", "10.0.0.3"]) {
      expect((await postJson(app, "/v1/token", wrong, { peer })).status).toBe(401);
    }
    // Ten times the username table: each 429 is cheap, and once throttled none is counted.
    for (let i = 0; i < 200; i += 1) {
      const guess = { username: `nobody-${i}`, password: "x" };
      const response = await postJson(app, "/v1/token", guess, { peer: "10.6.6.6" });
      expect(response.status).toBe(i < loginLimits.perClient ? 401 : 429);
    }
    const stillLimited = await postJson(app, "/v1/token", right, { peer: "10.0.0.4" });
    expect(stillLimited.status).toBe(429);
    expect(stillLimited.headers.get("Retry-After")).toBe("60");
    const causes = (await logs.lines())
      .filter((line) => line.event === "auth.login_throttled")
      .map((line) => `${String(line.limitedBy)}:${String(line.cause)}`);
    expect(new Set(causes)).toEqual(new Set(["client:limit", "username:limit"]));
  });

  test("an unknown username is throttled exactly like a known one (no enumeration via 429)", async () => {
    const { app } = await createTestApp({ loginLimits });
    const statuses = async (username: string) => {
      const result: number[] = [];
      for (let i = 0; i < 4; i += 1) {
        const response = await postJson(
          app,
          "/v1/token",
          { username, password: "x" },
          { peer: `10.0.${username.length}.${i}` },
        );
        result.push(response.status);
      }
      return result;
    };
    expect(await statuses("carol")).toEqual([401, 401, 401, 429]);
    expect(await statuses("nobody-here")).toEqual([401, 401, 401, 429]);
  });

  test("X-Forwarded-For is ignored unless proxies are trusted", async () => {
    const spoofed = async (trustedProxyHops: number) => {
      const { app } = await createTestApp({
        loginLimits: { ...loginLimits, perUsername: 100 },
        trustedProxyHops,
      });
      const statuses: number[] = [];
      for (let i = 0; i < 6; i += 1) {
        const headers = { "X-Forwarded-For": `198.51.100.${i}` };
        const response = await postJson(
          app,
          "/v1/token",
          { username: `u${i}`, password: "x" },
          { peer: "10.0.0.1", headers },
        );
        statuses.push(response.status);
      }
      return statuses;
    };
    // Untrusted: every request is the proxy's peer address, so the sixth is limited.
    expect((await spoofed(0)).at(-1)).toBe(429);
    // One trusted proxy: six distinct clients.
    expect(await spoofed(1)).toEqual([401, 401, 401, 401, 401, 401]);
  });
});
