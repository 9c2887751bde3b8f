import { describe, expect, test } from "vitest";
import { createTestApp } from "../test-utils.ts";

describe("health", () => {
  test("live and ready answer 200 with trace headers", async () => {
    const { app } = await createTestApp();
    for (const path of ["/health/live", "/health/ready"]) {
      const response = await app.request(path);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: "ok" });
      expect(response.headers.get("traceresponse")).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
    }
  });

  test("unknown routes and wrong methods are in the contract", async () => {
    const { app } = await createTestApp();
    const missing = await app.request("/v1/nothing");
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ errorCode: "RESOURCE_NOT_FOUND" });
    const wrongMethod = await app.request("/v1/token");
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("Allow")).toBe("POST");
  });
});
