import { describe, expect, test } from "vitest";
import { CHAOS_TOKEN, chaosRequest, createTestService } from "./test-utils.ts";

describe("/chaos controls", () => {
  test("do not exist when not mounted (CHAOS_ENABLED unset): a 404 like any unknown route", async () => {
    const { app } = createTestService({ chaos: false });
    for (const method of ["GET", "PUT", "DELETE"]) {
      const body = method === "PUT" ? { unavailable: true } : undefined;
      const response = await chaosRequest(app, method, body);
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ errorCode: "RESOURCE_NOT_FOUND" });
    }
  });

  test("do not exist without CHAOS_TOKEN either: 404, nothing ever injected, and a warn line says why", async () => {
    const { app, controls, logs } = createTestService({ token: undefined });
    for (const token of [null, CHAOS_TOKEN, "undefined"]) {
      const response = await chaosRequest(app, "PUT", { unavailable: true }, token);
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ errorCode: "RESOURCE_NOT_FOUND" });
    }
    expect(controls?.state.current()).toBeUndefined();
    expect((await app.request("/v1/things")).status).toBe(200);
    const lines = await logs.lines();
    expect(lines.filter((line) => line.event === "chaos.controls_unavailable")).toEqual([
      expect.objectContaining({ level: "warn", variable: "CHAOS_TOKEN" }),
    ]);
  });

  test.each([
    ["no token", null],
    ["a wrong token", `${CHAOS_TOKEN}-nope`],
  ])("refuse %s with 401 AUTH_REQUIRED and change nothing", async (_name, token) => {
    const { app, controls } = createTestService();
    const response = await chaosRequest(app, "PUT", { unavailable: true }, token);
    expect(response.status).toBe(401);
    expect(response.headers.get("WWW-Authenticate")).toMatch(/^Bearer/);
    expect(await response.json()).toMatchObject({ errorCode: "AUTH_REQUIRED" });
    expect(controls?.state.current()).toBeUndefined();
    expect((await chaosRequest(app, "GET", undefined, token)).status).toBe(401);
    expect((await chaosRequest(app, "DELETE", undefined, token)).status).toBe(401);
  });

  test("guard only /chaos: the service's own routes still need no chaos token", async () => {
    const { app } = createTestService();
    expect((await app.request("/v1/things")).status).toBe(200);
  });

  test("PUT sets faults with defaults and a TTL, GET reads them, DELETE clears them", async () => {
    const { app, clock, logs } = createTestService();
    expect(await (await chaosRequest(app, "GET")).json()).toEqual({ active: false });

    const put = await chaosRequest(app, "PUT", { latencyMs: 10, ttlSeconds: 60 });
    expect(put.status).toBe(200);
    const expected = {
      active: true,
      latencyMs: 10,
      errorRate: 0,
      errorStatus: 500,
      unavailable: false,
      expiresAt: new Date(clock.now() + 60_000).toISOString(),
      ttlSeconds: 60,
    };
    expect(await put.json()).toEqual(expected);
    clock.advance(15_000);
    expect(await (await chaosRequest(app, "GET")).json()).toEqual({ ...expected, ttlSeconds: 45 });

    expect((await chaosRequest(app, "DELETE")).status).toBe(204);
    expect(await (await chaosRequest(app, "GET")).json()).toEqual({ active: false });

    const events = (await logs.lines()).map((line) => line.event);
    expect(events).toContain("chaos.configured");
    expect(events).toContain("chaos.cleared");
  });

  test("a PUT that turns every fault off is no chaos: it clears, as DELETE does", async () => {
    const { app, logs } = createTestService();
    expect((await chaosRequest(app, "PUT", { unavailable: true })).status).toBe(200);
    const off = await chaosRequest(app, "PUT", { errorRate: 0 });
    expect(off.status).toBe(200);
    expect(await off.json()).toEqual({ active: false });
    expect(await (await chaosRequest(app, "GET")).json()).toEqual({ active: false });
    const events = (await logs.lines()).map((line) => line.event);
    expect(events.filter((event) => String(event).startsWith("chaos."))).toEqual([
      "chaos.configured",
      "chaos.cleared",
    ]);
  });

  test.each([
    [{ errorRate: 1.5 }, "errorRate"],
    [{ latencyMs: -1 }, "latencyMs"],
    [{ errorStatus: 502 }, "errorStatus"],
    [{ ttlSeconds: 0 }, "ttlSeconds"],
    [{ latency: 100 }, "latency"],
  ])("reject %j with 400 on %s", async (body, field) => {
    const { app, controls } = createTestService();
    const response = await chaosRequest(app, "PUT", body);
    expect(response.status).toBe(400);
    const error = (await response.json()) as { errorCode: string; details: { field: string }[] };
    expect(error.errorCode).toBe("REQUEST_PARAMETER_INVALID");
    expect(error.details.map((detail) => detail.field)).toContain(field);
    expect(controls?.state.current()).toBeUndefined();
  });
});
