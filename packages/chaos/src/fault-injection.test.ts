import { trace } from "@opentelemetry/api";
import { RecordingSpan, waitFor } from "@tracemesh/testing";
import type { Hono } from "hono";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { chaosRequest, createTestService } from "./test-utils.ts";

type TestService = ReturnType<typeof createTestService>;

let span: RecordingSpan;
beforeEach(() => {
  // Stands in for the HTTP instrumentation's server span, active while the request runs.
  span = new RecordingSpan();
  vi.spyOn(trace, "getActiveSpan").mockReturnValue(span);
});
afterEach(() => {
  vi.restoreAllMocks();
});

async function setChaos(app: Hono, faults: Record<string, unknown>) {
  expect((await chaosRequest(app, "PUT", faults)).status).toBe(200);
}

const things = (app: Hono, headers: Record<string, string> = {}) =>
  app.request("/v1/things", { headers });

async function faultLines({ logs }: TestService) {
  return (await logs.lines()).filter((line) => line.event === "chaos.fault_injected");
}

describe("faultInjection", () => {
  test("unavailable: 503 SERVICE_UNAVAILABLE with Retry-After until the TTL ends, then nothing", async () => {
    const service = createTestService();
    const { app, clock } = service;
    await setChaos(app, { unavailable: true, ttlSeconds: 30 });
    clock.advance(10_000);

    const response = await things(app);
    expect(response.status).toBe(503);
    expect(response.headers.get("Retry-After")).toBe("20");
    expect(await response.json()).toMatchObject({
      errorCode: "SERVICE_UNAVAILABLE",
      retryable: true,
    });
    expect(span.attributes["chaos.fault"]).toBe("unavailable");
    expect(span.events.map((event) => event.name)).toContain("chaos.fault");
    expect(await faultLines(service)).toEqual([
      expect.objectContaining({
        level: "warn",
        traceId: span.spanContext().traceId,
        chaos: { fault: "unavailable", retryAfterSeconds: 20 },
      }),
    ]);

    // Probes and the controls themselves are exempt.
    expect((await app.request("/health/ready")).status).toBe(200);
    expect((await chaosRequest(app, "GET")).status).toBe(200);

    clock.advance(20_000);
    expect((await things(app)).status).toBe(200);
  });

  test("errorRate hits the share of requests the random source picks: 500 or 503", async () => {
    const draws = [0.1, 0.9, 0.2];
    const service = createTestService({ random: () => draws.shift() ?? 1 });
    const { app } = service;
    await setChaos(app, { errorRate: 0.5 });

    const failed = await things(app);
    expect(failed.status).toBe(500);
    const body = await failed.text();
    expect(JSON.parse(body)).toMatchObject({ errorCode: "INTERNAL_ERROR" });
    expect(body).not.toContain("chaos");
    expect(span.attributes["chaos.fault"]).toBe("error");
    expect((await things(app)).status).toBe(200);

    await setChaos(app, { errorRate: 0.5, errorStatus: 503 });
    const unavailable = await things(app);
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers.get("Retry-After")).toBe("1");
    expect((await faultLines(service)).map((line) => line.chaos)).toEqual([
      { fault: "error", status: 500 },
      { fault: "error", status: 503 },
    ]);
  });

  test("latency delays the request, which then succeeds", async () => {
    const service = createTestService();
    await setChaos(service.app, { latencyMs: 60 });
    const started = performance.now();
    const response = await things(service.app);
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
    expect(response.status).toBe(200);
    expect(span.attributes).toMatchObject({ "chaos.fault": "latency", "chaos.latency_ms": 60 });
    expect((await faultLines(service)).map((line) => line.chaos)).toEqual([
      { fault: "latency", latencyMs: 60, requestedLatencyMs: 60 },
    ]);
  });

  test("latency never outlasts the request's deadline: the caller's budget ends it with a 503", async () => {
    const service = createTestService();
    await setChaos(service.app, { latencyMs: 20_000 });
    const started = performance.now();
    const response = await things(service.app, { "X-Request-Timeout-Ms": "50" });
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(response.status).toBe(503);
    expect(response.headers.get("Retry-After")).toBe("1");
    const [line] = await faultLines(service);
    expect(line?.chaos).toEqual({
      fault: "latency",
      latencyMs: expect.toSatisfy((ms: number) => ms > 0 && ms <= 50),
      requestedLatencyMs: 20_000,
    });
  });

  test("DELETE /chaos ends the faults before their TTL", async () => {
    const { app } = createTestService();
    await setChaos(app, { unavailable: true, ttlSeconds: 3600 });
    expect((await things(app)).status).toBe(503);
    expect((await chaosRequest(app, "DELETE")).status).toBe(204);
    expect((await things(app)).status).toBe(200);
  });

  test("a fault cleared while a request sleeps its latency injects nothing more into it", async () => {
    const service = createTestService();
    // Long enough that the DELETE lands within it on a loaded machine.
    await setChaos(service.app, { latencyMs: 1_500, unavailable: true, ttlSeconds: 60 });
    const sleeping = things(service.app);
    await waitFor(async () => (await faultLines(service)).length === 1, "the latency to start");
    expect((await chaosRequest(service.app, "DELETE")).status).toBe(204);
    expect((await sleeping).status).toBe(200);
    expect(
      (await faultLines(service)).map((line) => (line.chaos as { fault: string }).fault),
    ).toEqual(["latency"]);
  });

  test("no faults set: requests pass untouched and nothing is marked", async () => {
    const service = createTestService();
    expect((await things(service.app)).status).toBe(200);
    expect(span.attributes["chaos.fault"]).toBeUndefined();
    expect(await faultLines(service)).toEqual([]);
  });
});
