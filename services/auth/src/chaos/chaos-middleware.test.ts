import { describe, expect, test } from "vitest";
import { CHAOS_TOKEN, createTestApp } from "../test-utils.ts";

type TestApp = Awaited<ReturnType<typeof createTestApp>>;

async function setChaos({ app }: TestApp, faults: Record<string, unknown>) {
  const response = await app.request("/chaos", {
    method: "PUT",
    headers: { Authorization: `Bearer ${CHAOS_TOKEN}`, "Content-Type": "application/json" },
    body: JSON.stringify(faults),
  });
  expect(response.status).toBe(200);
}

const jwks = (testApp: TestApp, headers: Record<string, string> = {}) =>
  testApp.app.request("/.well-known/jwks.json", { headers });

async function faultLines(testApp: TestApp) {
  return (await testApp.logs.lines()).filter((line) => line.event === "chaos.fault_injected");
}

describe("chaos middleware", () => {
  test("unavailable: 503 SERVICE_UNAVAILABLE with Retry-After until the TTL ends, then nothing", async () => {
    const testApp = await createTestApp({ chaos: true });
    await setChaos(testApp, { unavailable: true, ttlSeconds: 30 });
    testApp.clock.advance(10_000);

    const response = await jwks(testApp);
    expect(response.status).toBe(503);
    expect(response.headers.get("Retry-After")).toBe("20");
    expect(await response.json()).toMatchObject({
      errorCode: "SERVICE_UNAVAILABLE",
      retryable: true,
    });
    expect(await faultLines(testApp)).toEqual([
      expect.objectContaining({
        level: "warn",
        chaos: { fault: "unavailable", retryAfterSeconds: 20 },
      }),
    ]);

    // Probes and the controls themselves are exempt.
    expect((await testApp.app.request("/health/ready")).status).toBe(200);

    testApp.clock.advance(20_000);
    expect((await jwks(testApp)).status).toBe(200);
  });

  test("errorRate hits the share of requests the random source picks: 500 or 503", async () => {
    const draws = [0.1, 0.9, 0.2];
    const testApp = await createTestApp({ chaos: true, random: () => draws.shift() ?? 1 });
    await setChaos(testApp, { errorRate: 0.5 });

    const failed = await jwks(testApp);
    expect(failed.status).toBe(500);
    const body = await failed.text();
    expect(JSON.parse(body)).toMatchObject({ errorCode: "INTERNAL_ERROR" });
    expect(body).not.toContain("chaos");
    expect((await jwks(testApp)).status).toBe(200);

    await setChaos(testApp, { errorRate: 0.5, errorStatus: 503 });
    const unavailable = await jwks(testApp);
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers.get("Retry-After")).toBe("1");
    expect((await faultLines(testApp)).map((line) => line.chaos)).toEqual([
      { fault: "error", status: 500 },
      { fault: "error", status: 503 },
    ]);
  });

  test("latency delays the request, which then succeeds", async () => {
    const testApp = await createTestApp({ chaos: true });
    await setChaos(testApp, { latencyMs: 60 });
    const started = performance.now();
    const response = await jwks(testApp);
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
    expect(response.status).toBe(200);
    expect((await faultLines(testApp)).map((line) => line.chaos)).toEqual([
      { fault: "latency", latencyMs: 60, requestedLatencyMs: 60 },
    ]);
  });

  test("latency never outlasts the request's deadline: the caller's budget ends it with a 503", async () => {
    const testApp = await createTestApp({ chaos: true });
    await setChaos(testApp, { latencyMs: 20_000 });
    const started = performance.now();
    const response = await jwks(testApp, { "X-Request-Timeout-Ms": "50" });
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(response.status).toBe(503);
    expect(response.headers.get("Retry-After")).toBe("1");
    const [line] = await faultLines(testApp);
    expect(line?.chaos).toEqual({
      fault: "latency",
      latencyMs: expect.toSatisfy((ms: number) => ms > 0 && ms <= 50),
      requestedLatencyMs: 20_000,
    });
  });

  test("DELETE /chaos ends the faults before their TTL", async () => {
    const testApp = await createTestApp({ chaos: true });
    await setChaos(testApp, { unavailable: true, ttlSeconds: 3600 });
    expect((await jwks(testApp)).status).toBe(503);
    const cleared = await testApp.app.request("/chaos", {
      method: "DELETE",
      headers: { Authorization: `Bearer ${CHAOS_TOKEN}` },
    });
    expect(cleared.status).toBe(204);
    expect((await jwks(testApp)).status).toBe(200);
  });
});
