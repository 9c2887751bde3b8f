import { createChaosControls } from "@tracemesh/chaos";
import { afterAll, beforeAll, expect, test } from "vitest";
import { expectContractError, openTestApp, type TestApp } from "../test-utils.ts";
import { INJECTED_FAULT } from "./incident.ts";

const CHAOS_TOKEN = "todo-api-chaos-token-0123";
const controls = (token = CHAOS_TOKEN) => ({
  headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
});

let chaos: TestApp;
let calm: TestApp;
beforeAll(async () => {
  [chaos, calm] = await Promise.all([
    openTestApp({ chaos: createChaosControls({ token: CHAOS_TOKEN }) }),
    openTestApp(),
  ]);
});
afterAll(() => Promise.all([chaos?.database.dispose(), calm?.database.dispose()]));

test("with CHAOS_ENABLED, GET /error replays the division by zero as 500 INTERNAL_ERROR", async () => {
  const response = await chaos.app.request("/error");
  const error = await expectContractError(response, 500, "INTERNAL_ERROR");
  expect(error).toMatchObject({ path: "/error", method: "GET", retryable: false });
  // The exception stays server-side.
  expect(JSON.stringify(error)).not.toMatch(/RangeError|[Dd]ivision|BigInt|at /);

  const lines = await chaos.logLines();
  const injected = lines.find((line) => line.event === "chaos.fault_injected");
  expect(injected).toMatchObject({
    level: "warn",
    chaos: { fault: INJECTED_FAULT },
    traceId: error.traceId,
  });
  const access = lines.find((line) => line.event === "http.request");
  expect(access).toMatchObject({
    level: "error",
    traceId: error.traceId,
    errorCode: "INTERNAL_ERROR",
    http: { method: "GET", route: "/error", status: 500 },
  });
  expect(JSON.stringify(access?.error)).toMatch(/RangeError/);
  expect(JSON.stringify(access?.error)).toMatch(/incident\.ts/);
});

test("without CHAOS_ENABLED, /error and /chaos do not exist: 404 like any unknown route", async () => {
  const response = await calm.app.request("/error");
  await expectContractError(response, 404, "RESOURCE_NOT_FOUND");
  for (const method of ["GET", "PUT", "DELETE"]) {
    const body = method === "PUT" ? JSON.stringify({ unavailable: true }) : undefined;
    const control = await calm.app.request("/chaos", { method, body, ...controls() });
    await expectContractError(control, 404, "RESOURCE_NOT_FOUND");
  }
  const unknown = await calm.app.request("/no/such/route");
  await expectContractError(unknown, 404, "RESOURCE_NOT_FOUND");
});

test("with CHAOS_ENABLED, /chaos wants CHAOS_TOKEN and makes todo-api unavailable; probes stay up", async () => {
  const wrong = await chaos.app.request("/chaos", {
    method: "PUT",
    body: JSON.stringify({ unavailable: true }),
    ...controls("not-the-chaos-token-at-all"),
  });
  await expectContractError(wrong, 401, "AUTH_REQUIRED");
  expect((await chaos.app.request("/v1/todos")).status).toBe(401);

  const set = await chaos.app.request("/chaos", {
    method: "PUT",
    body: JSON.stringify({ unavailable: true, ttlSeconds: 30 }),
    ...controls(),
  });
  expect(set.status).toBe(200);
  try {
    const refused = await chaos.app.request("/v1/todos");
    const error = await expectContractError(refused, 503, "SERVICE_UNAVAILABLE");
    expect(refused.headers.get("Retry-After")).toMatch(/^[1-9][0-9]*$/);
    expect((await chaos.app.request("/health/ready")).status).toBe(200);
    const lines = await chaos.logLines();
    expect(lines).toContainEqual(
      expect.objectContaining({
        event: "chaos.fault_injected",
        chaos: expect.objectContaining({ fault: "unavailable" }),
        traceId: error.traceId,
      }),
    );
  } finally {
    expect((await chaos.app.request("/chaos", { method: "DELETE", ...controls() })).status).toBe(
      204,
    );
  }
  expect((await chaos.app.request("/v1/todos")).status).toBe(401);
});
