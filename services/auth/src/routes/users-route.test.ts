import { describe, expect, test } from "vitest";
import { ALICE, createTestApp, SERVICE_TOKEN } from "../test-utils.ts";

const profilePath = `/v1/users/${ALICE.id}`;
const withAuth = (authorization?: string) =>
  authorization === undefined ? {} : { headers: { Authorization: authorization } };

describe("GET /v1/users/:id", () => {
  test("gives other services the profile a notification needs, and nothing more", async () => {
    const { app } = await createTestApp();
    const response = await app.request(profilePath, withAuth(`Bearer ${SERVICE_TOKEN}`));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      id: ALICE.id,
      username: "alice",
      displayName: "Alice Liddell",
      email: "alice@example.com",
    });
  });

  test.each([
    ["no Authorization header", undefined],
    ["a wrong service token", `Bearer ${SERVICE_TOKEN}x`],
    ["a prefix of the token", `Bearer ${SERVICE_TOKEN.slice(0, 8)}`],
    ["another scheme", `Basic ${SERVICE_TOKEN}`],
    ["the token without a scheme", SERVICE_TOKEN],
  ])("401 AUTH_REQUIRED with %s", async (_name, authorization) => {
    const { app } = await createTestApp();
    const response = await app.request(profilePath, withAuth(authorization));
    expect(response.status).toBe(401);
    expect(response.headers.get("WWW-Authenticate")).toBe("Bearer");
    expect(await response.json()).toMatchObject({ errorCode: "AUTH_REQUIRED" });
  });

  test("a user's own access token is not a service token", async () => {
    const { app } = await createTestApp();
    const login = await app.request("/v1/token", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ username: "alice", password: "alice-demo-password" }),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    expect((await app.request(profilePath, withAuth(`Bearer ${accessToken}`))).status).toBe(401);
  });

  test("unknown ids are 404 USER_NOT_FOUND, but only for authenticated callers", async () => {
    const { app } = await createTestApp();
    const known = await app.request("/v1/users/nobody", withAuth(`Bearer ${SERVICE_TOKEN}`));
    expect(known.status).toBe(404);
    expect(await known.json()).toMatchObject({ errorCode: "USER_NOT_FOUND" });
    expect((await app.request("/v1/users/nobody")).status).toBe(401);
  });

  test("without a configured SERVICE_TOKEN every call is refused", async () => {
    const { app } = await createTestApp({ serviceToken: undefined });
    expect((await app.request(profilePath, withAuth("Bearer undefined"))).status).toBe(401);
    expect((await app.request(profilePath, withAuth("Bearer "))).status).toBe(401);
  });
});
