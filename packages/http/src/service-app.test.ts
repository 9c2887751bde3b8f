import { metrics } from "@opentelemetry/api";
import { NotFoundError } from "@tracemesh/errors";
import { expectContractHeaders, expectErrorContract } from "@tracemesh/errors/testing";
import { captureLogger } from "@tracemesh/logger/testing";
import { recordingMeter } from "@tracemesh/testing";
import { Hono, type MiddlewareHandler } from "hono";
import { afterEach, describe, expect, test } from "vitest";
import { createServiceApp, type ServiceControls } from "./service-app.ts";

afterEach(() => metrics.disable());

/** Controls standing in for chaos's: they record what a request carries when they run. */
function recordingControls(seen: Record<string, unknown>[]): ServiceControls {
  const middleware: MiddlewareHandler = async function recordRequest(c, next) {
    seen.push({
      requestId: c.var.requestId,
      hasLogger: c.var.logger !== undefined,
      remainingMs: c.var.deadline?.remainingMs(),
    });
    await next();
  };
  return { middleware, routes: new Hono().get("/chaos", (c) => c.json({ active: false })) };
}

function serviceWith(chaos?: ServiceControls) {
  const logs = captureLogger({ service: "svc" });
  const app = createServiceApp({ logger: logs.logger, requestBudgetMs: 2_000, chaos });
  app.get("/things/:id", (c) => {
    c.var.logger.info("thing.read", { id: c.req.param("id") });
    return c.json({ remainingMs: c.var.deadline.remainingMs(), traceId: c.var.traceId });
  });
  app.get("/missing", () => {
    throw new NotFoundError();
  });
  return { app, logs };
}

describe("createServiceApp", () => {
  test("a route has the request's ids, logger and budget; the response its trace headers", async () => {
    const { app, logs } = serviceWith();
    const response = await app.request("/things/7", {
      headers: { "X-Request-Id": "req-7", "X-Request-Timeout-Ms": "500" },
    });
    const body = (await response.json()) as { remainingMs: number; traceId: string };
    expect(body.remainingMs).toBeLessThanOrEqual(500);
    expect(response.headers.get("traceresponse")?.split("-")[1]).toBe(body.traceId);
    expect(response.headers.get("x-request-id")).toBe("req-7");
    const lines = await logs.lines();
    expect(lines.map((line) => line.event)).toEqual(["thing.read", "http.request"]);
    expect(lines[0]).toMatchObject({ requestId: "req-7", traceId: body.traceId });
    expect(lines[1]).toMatchObject({ http: { route: "/things/:id", status: 200 } });
  });

  test("a thrown error is the contract's answer, logged once with its code", async () => {
    const { app, logs } = serviceWith();
    const response = await app.request("/missing");
    const body = await expectErrorContract(response, {
      status: 404,
      errorCode: "RESOURCE_NOT_FOUND",
    });
    expectContractHeaders(response, body);
    expect(await logs.lines()).toEqual([
      expect.objectContaining({
        event: "http.request",
        errorCode: "RESOURCE_NOT_FOUND",
        http: expect.objectContaining({ status: 404 }),
      }),
    ]);
  });

  // Why not-found.ts decides 404 or 405 itself rather than through hono/method-not-allowed: that
  // rewrites a 404 already built, so every 405 would also be counted as a RESOURCE_NOT_FOUND.
  test("an unknown path is 404 and another method of a known path 405, each counted and logged as itself", async () => {
    const recording = recordingMeter();
    metrics.setGlobalMeterProvider({ getMeter: () => recording.meter });
    const { app, logs } = serviceWith();
    await expectErrorContract(await app.request("/nowhere"), {
      status: 404,
      errorCode: "RESOURCE_NOT_FOUND",
    });
    const wrongMethod = await app.request("/things/7", { method: "DELETE" });
    await expectErrorContract(wrongMethod, { status: 405, errorCode: "METHOD_NOT_ALLOWED" });
    expect(wrongMethod.headers.get("allow")).toBe("GET, HEAD");

    const counted = recording.measurements.filter((m) => m.name === "tracemesh.errors");
    expect(counted.map((m) => m.attributes)).toEqual([
      { "error.code": "RESOURCE_NOT_FOUND", "http.response.status_code": 404 },
      { "error.code": "METHOD_NOT_ALLOWED", "http.response.status_code": 405 },
    ]);
    const logged = (await logs.lines()).map((line) => [line.errorCode, line.http]);
    expect(logged).toEqual([
      ["RESOURCE_NOT_FOUND", expect.objectContaining({ status: 404 })],
      ["METHOD_NOT_ALLOWED", expect.objectContaining({ status: 405 })],
    ]);
  });

  test("controls run after the ids, the logger and the budget, before every route", async () => {
    const seen: Record<string, unknown>[] = [];
    const { app } = serviceWith(recordingControls(seen));
    expect((await app.request("/things/7", { headers: { "X-Request-Id": "req-8" } })).status).toBe(
      200,
    );
    expect(seen).toEqual([
      { requestId: "req-8", hasLogger: true, remainingMs: expect.any(Number) },
    ]);
    expect(await (await app.request("/chaos")).json()).toEqual({ active: false });
  });

  test("without controls, /chaos is an unknown path like any other", async () => {
    const { app } = serviceWith();
    await expectErrorContract(await app.request("/chaos"), {
      status: 404,
      errorCode: "RESOURCE_NOT_FOUND",
    });
  });
});
