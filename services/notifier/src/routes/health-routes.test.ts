import { describe, expect, test } from "vitest";
import { createTestApp } from "../test-utils.ts";

describe("health", () => {
  test("live answers 200 with trace headers whatever the dependencies", async () => {
    const { app } = createTestApp({ readiness: { nats: () => false } });
    const response = await app.request("/health/live");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
    expect(response.headers.get("traceresponse")).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
    expect(response.headers.get("X-Request-Id")).toBeTruthy();
  });

  test("ready is 200 with each check when NATS is open and the consumer runs", async () => {
    const { app } = createTestApp({ readiness: { nats: () => true, consumer: () => true } });
    const response = await app.request("/health/ready");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: "ok",
      checks: { nats: "ok", consumer: "ok" },
    });
  });

  test.each([
    ["nats", { nats: () => false, consumer: () => true }],
    ["consumer", { nats: () => true, consumer: () => false }],
  ])("ready is 503 SERVICE_UNAVAILABLE naming %s when it fails", async (name, readiness) => {
    const { app } = createTestApp({ readiness });
    const response = await app.request("/health/ready");
    expect(response.status).toBe(503);
    expect(response.headers.get("Retry-After")).toMatch(/^[1-9][0-9]*$/);
    expect(await response.json()).toMatchObject({
      errorCode: "SERVICE_UNAVAILABLE",
      retryable: true,
      details: [{ type: "dependency", name }],
    });
  });

  test("unknown routes and wrong methods are in the contract", async () => {
    const { app } = createTestApp();
    const missing = await app.request("/v1/nothing");
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ errorCode: "RESOURCE_NOT_FOUND" });
    const wrongMethod = await app.request("/v1/alerts");
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("Allow")).toBe("POST");
    const chaos = await app.request("/chaos");
    expect(chaos.status).toBe(404);
  });
});
