import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { DependencyError } from "@tracemesh/errors";
import { captureLogger } from "@tracemesh/logger/testing";
import { createDependencyClient } from "@tracemesh/resilience";
import { describe, expect, test } from "vitest";
import { alertmanagerPayload } from "../alerts/alertmanager-payload.fixture.ts";
import { createExampleTraceFinder } from "../alerts/example-trace.ts";
import { ALERTS_TOKEN, createTestApp, postJson } from "../test-utils.ts";

const authorized = { Authorization: `Bearer ${ALERTS_TOKEN}` };

describe("POST /v1/alerts", () => {
  test("delivers one notification per alert with its status, labels, summary, runbook and times", async () => {
    const { app, capture } = createTestApp();
    const payload = alertmanagerPayload();
    const response = await postJson(app, "/v1/alerts", payload, authorized);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "delivered", delivered: 2 });
    expect(capture.notifications()).toEqual([
      {
        kind: "alert",
        id: "3f9c2a51b4e0d7c8:firing:2026-11-25T10:00:00.123456789Z",
        status: "firing",
        labels: payload.alerts[0]?.labels,
        summary: "todo-api answers 5xx to more than 5 % of requests",
        description: "todo-api answered 5xx to 33.33% of its requests over the last minute.",
        runbookUrl: "docs/runbooks/http-error-ratio-high.md",
        // No trace backend configured: delivered without an example.
        exampleTrace: null,
        annotations: { example_trace: "error" },
        startsAt: "2026-11-25T10:00:00.123456789Z",
        endsAt: "0001-01-01T00:00:00Z",
        generatorURL: payload.alerts[0]?.generatorURL,
        fingerprint: "3f9c2a51b4e0d7c8",
        receiver: "notifier",
        externalURL: "http://alertmanager:9093",
        truncatedAlerts: 0,
      },
      expect.objectContaining({
        kind: "alert",
        id: "0a1b2c3d4e5f6071:resolved:2026-11-25T09:00:00Z",
        status: "resolved",
        labels: expect.objectContaining({ http_route: "/v1/todos" }),
      }),
    ]);
    // Deliveries share the request's deadline, so they cannot outlive the budget.
    const [first] = capture.delivered;
    expect(first?.deadline.remainingMs()).toBeGreaterThan(0);
    expect(first?.deadline.remainingMs()).toBeLessThanOrEqual(5000);
  });

  test("a firing error alert names its example trace; the resolved one does not look", async () => {
    const asked: string[] = [];
    const exampleTrace = { traceId: "a".repeat(32), url: `http://jaeger/trace/${"a".repeat(32)}` };
    const { app, capture } = createTestApp({
      findExampleTrace: async (alert) => {
        asked.push(alert.status);
        return alert.status === "firing" ? exampleTrace : undefined;
      },
    });
    await postJson(app, "/v1/alerts", alertmanagerPayload(), authorized);
    const [firing, resolved] = capture.notifications();
    expect(firing).toMatchObject({ status: "firing", exampleTrace });
    expect(resolved).toMatchObject({ status: "resolved", exampleTrace: null });
    expect(asked).toEqual(["firing", "resolved"]);
  });

  test("a trace backend that never answers delays no alert beyond the lookup's timeout", async () => {
    const hanging = createServer(() => {});
    await new Promise<void>((resolve) => hanging.listen(0, "127.0.0.1", resolve));
    const queryUrl = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}`;
    try {
      const client = createDependencyClient({
        name: "traces",
        baseUrl: queryUrl,
        timeouts: { attemptMs: 300, totalMs: 300 },
        retry: { maxAttempts: 1 },
      });
      const { logger } = captureLogger({ service: "notifier" });
      const findExampleTrace = createExampleTraceFinder({ client, uiUrl: queryUrl, logger });
      const { app, capture } = createTestApp({ findExampleTrace });
      const started = Date.now();
      const response = await postJson(app, "/v1/alerts", alertmanagerPayload(), authorized);
      expect(response.status).toBe(200);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(capture.notifications()).toEqual([
        expect.objectContaining({ status: "firing", exampleTrace: null }),
        expect.objectContaining({ status: "resolved", exampleTrace: null }),
      ]);
    } finally {
      hanging.closeAllConnections();
      await new Promise((resolve) => hanging.close(resolve));
    }
  });

  test("an older Alertmanager without truncatedAlerts is accepted", async () => {
    const { app, capture } = createTestApp();
    const { truncatedAlerts: _, ...payload } = alertmanagerPayload();
    const response = await postJson(app, "/v1/alerts", payload, authorized);
    expect(response.status).toBe(200);
    expect(capture.delivered).toHaveLength(2);
  });

  test("a malformed payload is 400 REQUEST_PARAMETER_INVALID naming each field, nothing delivered", async () => {
    const { app, capture } = createTestApp();
    const payload = alertmanagerPayload();
    const broken = {
      ...payload,
      version: "3",
      alerts: [{ ...payload.alerts[0], status: "pending", startsAt: "yesterday" }],
    };
    const response = await postJson(app, "/v1/alerts", broken, authorized);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errorCode: string; details: unknown[] };
    expect(body.errorCode).toBe("REQUEST_PARAMETER_INVALID");
    expect(body.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: "version" }),
        expect.objectContaining({ field: "alerts.0.status", issue: "must_be_one_of" }),
        expect.objectContaining({ field: "alerts.0.startsAt" }),
      ]),
    );
    expect(capture.delivered).toHaveLength(0);
  });

  test("a timestamp of a form Date cannot read is 400 on its field, never a 500", async () => {
    const { app } = createTestApp({
      findExampleTrace: async () => undefined,
    });
    const payload = alertmanagerPayload();
    const offset = {
      ...payload,
      alerts: [{ ...payload.alerts[0], startsAt: "2026-11-25T10:00:00+02" }],
    };
    const response = await postJson(app, "/v1/alerts", offset, authorized);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { details: { field?: string }[] };
    expect(body.details.map((detail) => detail.field)).toEqual(["alerts.0.startsAt"]);
  });

  test.each([
    ["no alerts", { alerts: [] }, "alerts"],
    ["labels that are not strings", { commonLabels: { severity: 3 } }, "commonLabels.severity"],
    ["a missing receiver", { receiver: undefined }, "receiver"],
  ])("%s is 400 naming %s", async (_, change, field) => {
    const { app } = createTestApp();
    const response = await postJson(
      app,
      "/v1/alerts",
      { ...alertmanagerPayload(), ...change },
      authorized,
    );
    expect(response.status).toBe(400);
    const body = (await response.json()) as { details: { field?: string }[] };
    expect(body.details.map((detail) => detail.field)).toContain(field);
  });

  test("a body that is not JSON is 400 REQUEST_BODY_INVALID", async () => {
    const { app } = createTestApp();
    const response = await postJson(app, "/v1/alerts", "{not json", authorized);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ errorCode: "REQUEST_BODY_INVALID" });
  });

  test.each([
    ["no Authorization header", {}],
    ["a wrong token", { Authorization: "Bearer not-the-alerts-token-at-all" }],
    ["another scheme", { Authorization: `Basic ${ALERTS_TOKEN}` }],
  ])("%s is 401 AUTH_REQUIRED before the body is looked at", async (_, headers) => {
    const { app, capture } = createTestApp();
    const response = await postJson(app, "/v1/alerts", { garbage: true }, headers);
    expect(response.status).toBe(401);
    expect(response.headers.get("WWW-Authenticate")).toMatch(/^Bearer/);
    expect(await response.json()).toMatchObject({ errorCode: "AUTH_REQUIRED" });
    expect(capture.delivered).toHaveLength(0);
  });

  test("without ALERTS_TOKEN configured every call is refused", async () => {
    const { app } = createTestApp({ alertsToken: undefined });
    const response = await postJson(app, "/v1/alerts", alertmanagerPayload(), authorized);
    expect(response.status).toBe(401);
  });

  test("an unavailable sink is 503 SERVICE_UNAVAILABLE, so Alertmanager sends again", async () => {
    const { app, capture } = createTestApp();
    capture.fail(new DependencyError({ dependency: "webhook", retryAfterSeconds: 7 }));
    const response = await postJson(app, "/v1/alerts", alertmanagerPayload(), authorized);
    expect(response.status).toBe(503);
    expect(response.headers.get("Retry-After")).toBe("7");
    const body = await response.json();
    expect(body).toMatchObject({
      errorCode: "SERVICE_UNAVAILABLE",
      retryable: true,
      details: [{ type: "dependency", name: "webhook" }],
    });
  });

  test("a group's alerts are delivered eight at a time, each to its end though one fails", async () => {
    const payload = alertmanagerPayload();
    const [template] = payload.alerts;
    const alerts = Array.from({ length: 20 }, (_, i) => ({
      ...template,
      fingerprint: i.toString(16).padStart(16, "0"),
    }));
    let inFlight = 0;
    let mostAtOnce = 0;
    const delivered: string[] = [];
    const { app } = createTestApp({
      sink: {
        channel: "webhook",
        async deliver(notification) {
          inFlight += 1;
          mostAtOnce = Math.max(mostAtOnce, inFlight);
          await new Promise((resolve) => setImmediate(resolve));
          inFlight -= 1;
          if (
            notification.kind === "alert" &&
            notification.fingerprint === alerts[3]?.fingerprint
          ) {
            throw new DependencyError({ dependency: "webhook" });
          }
          delivered.push(notification.id);
        },
      },
    });
    const response = await postJson(app, "/v1/alerts", { ...payload, alerts }, authorized);
    // One could not be: Alertmanager sends the group again, the others repeat harmlessly.
    expect(response.status).toBe(503);
    expect(mostAtOnce).toBe(8);
    expect(delivered).toHaveLength(19);
  });

  test("alerts Alertmanager left out are counted in each notification, and logged", async () => {
    const { app, capture, logs } = createTestApp();
    const payload = { ...alertmanagerPayload(), truncatedAlerts: 40 };
    expect((await postJson(app, "/v1/alerts", payload, authorized)).status).toBe(200);
    expect(capture.notifications().map((n) => n.kind === "alert" && n.truncatedAlerts)).toEqual([
      40, 40,
    ]);
    expect(await logs.lines()).toContainEqual(
      expect.objectContaining({
        level: "warn",
        event: "alerts.truncated",
        delivered: 2,
        truncatedAlerts: 40,
      }),
    );
  });

  test("the access log has the route and no token", async () => {
    const { app, logs } = createTestApp();
    await postJson(app, "/v1/alerts", alertmanagerPayload(), authorized);
    const lines = await logs.lines();
    expect(lines.at(-1)).toMatchObject({
      event: "http.request",
      http: { method: "POST", route: "/v1/alerts", status: 200 },
    });
    expect(JSON.stringify(lines)).not.toContain(ALERTS_TOKEN);
  });
});
