import { describe, expect, test } from "vitest";
import { ALICE, CHAOS_TOKEN, createTestApp, login, SERVICE_TOKEN } from "./test-utils.ts";

type App = Awaited<ReturnType<typeof createTestApp>>["app"];

// The controls themselves are tested in @tracemesh/chaos; this checks auth mounts them as it should.
const chaosRequest = (app: App, method: string, body?: unknown, token = CHAOS_TOKEN) =>
  app.request("/chaos", {
    method,
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

describe("chaos through auth's app", () => {
  test("without CHAOS_ENABLED /chaos does not exist: 404 like any unknown route", async () => {
    const { app } = await createTestApp({ chaos: false });
    for (const method of ["GET", "PUT", "DELETE"]) {
      const body = method === "PUT" ? { unavailable: true } : undefined;
      const response = await chaosRequest(app, method, body);
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ errorCode: "RESOURCE_NOT_FOUND" });
    }
  });

  test("the controls want CHAOS_TOKEN, not the service token or a user's token", async () => {
    const { app, chaos } = await createTestApp({ chaos: true });
    const userToken = await login(app, ALICE.username, ALICE.password);
    for (const token of [userToken, SERVICE_TOKEN]) {
      const response = await chaosRequest(app, "PUT", { unavailable: true }, token);
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ errorCode: "AUTH_REQUIRED" });
    }
    expect(chaos?.state.current()).toBeUndefined();
  });

  test("an unavailable auth answers 503 with Retry-After and logs the fault; probes stay up", async () => {
    const { app, clock, logs } = await createTestApp({ chaos: true });
    expect((await chaosRequest(app, "PUT", { unavailable: true, ttlSeconds: 30 })).status).toBe(
      200,
    );

    const jwks = await app.request("/.well-known/jwks.json");
    expect(jwks.status).toBe(503);
    expect(jwks.headers.get("Retry-After")).toBe("30");
    expect(await jwks.json()).toMatchObject({ errorCode: "SERVICE_UNAVAILABLE", retryable: true });
    expect((await app.request("/health/ready")).status).toBe(200);
    const faults = (await logs.lines()).filter((line) => line.event === "chaos.fault_injected");
    expect(faults).toEqual([
      expect.objectContaining({
        service: "auth",
        chaos: { fault: "unavailable", retryAfterSeconds: 30 },
      }),
    ]);

    clock.advance(30_000);
    expect((await app.request("/.well-known/jwks.json")).status).toBe(200);
  });

  test("errorRate reaches auth's routes through the injected random source", async () => {
    const { app } = await createTestApp({ chaos: true, random: () => 0 });
    expect((await chaosRequest(app, "PUT", { errorRate: 0.5, errorStatus: 503 })).status).toBe(200);
    expect((await app.request("/.well-known/jwks.json")).status).toBe(503);
  });
});
