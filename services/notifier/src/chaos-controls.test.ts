import { createChaosControls } from "@tracemesh/chaos";
import { describe, expect, test } from "vitest";
import { alertmanagerPayload } from "./alerts/alertmanager-payload.fixture.ts";
import { ALERTS_TOKEN, createTestApp, postJson } from "./test-utils.ts";

const CHAOS_TOKEN = "notifier-chaos-token-0123";

// The controls themselves are tested in @tracemesh/chaos; this checks the notifier mounts them.
function chaosRequest(
  app: ReturnType<typeof createTestApp>["app"],
  method: string,
  body?: unknown,
) {
  return app.request("/chaos", {
    method,
    headers: { Authorization: `Bearer ${CHAOS_TOKEN}`, "Content-Type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

const postAlerts = (app: ReturnType<typeof createTestApp>["app"]) =>
  postJson(app, "/v1/alerts", alertmanagerPayload(), { Authorization: `Bearer ${ALERTS_TOKEN}` });

describe("chaos through the notifier's app", () => {
  test("without CHAOS_ENABLED /chaos does not exist: 404 like any unknown route", async () => {
    const { app } = createTestApp();
    for (const method of ["GET", "PUT", "DELETE"]) {
      const response = await chaosRequest(
        app,
        method,
        method === "PUT" ? { unavailable: true } : undefined,
      );
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ errorCode: "RESOURCE_NOT_FOUND" });
    }
  });

  test("an unavailable notifier refuses alerts with 503 and logs the fault; probes stay up", async () => {
    const { app, logs, capture } = createTestApp({
      chaos: createChaosControls({ token: CHAOS_TOKEN }),
    });
    const refused = await app.request("/chaos", {
      method: "PUT",
      headers: { Authorization: `Bearer ${ALERTS_TOKEN}`, "Content-Type": "application/json" },
      body: JSON.stringify({ unavailable: true }),
    });
    expect(refused.status).toBe(401);

    expect((await chaosRequest(app, "PUT", { unavailable: true, ttlSeconds: 30 })).status).toBe(
      200,
    );
    const alerts = await postAlerts(app);
    expect(alerts.status).toBe(503);
    expect(alerts.headers.get("Retry-After")).toBe("30");
    expect(await alerts.json()).toMatchObject({
      errorCode: "SERVICE_UNAVAILABLE",
      retryable: true,
    });
    expect(capture.notifications()).toEqual([]);
    expect((await app.request("/health/ready")).status).toBe(200);
    const faults = (await logs.lines()).filter((line) => line.event === "chaos.fault_injected");
    expect(faults).toEqual([
      expect.objectContaining({
        service: "notifier",
        chaos: expect.objectContaining({ fault: "unavailable" }),
      }),
    ]);

    expect((await chaosRequest(app, "DELETE")).status).toBe(204);
    expect((await postAlerts(app)).status).toBe(200);
  });
});
