import { afterAll, beforeAll, expect, test } from "vitest";
import { expectContractError, openTestApp, type TestApp } from "../test-utils.ts";
import { INJECTED_FAULT } from "./chaos.ts";

let chaos: TestApp;
let calm: TestApp;
beforeAll(async () => {
  [chaos, calm] = await Promise.all([openTestApp({ chaosEnabled: true }), openTestApp()]);
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
  expect(JSON.stringify(access?.error)).toMatch(/chaos\.ts/);
});

test("without CHAOS_ENABLED, /error does not exist: 404 like any unknown route", async () => {
  const response = await calm.app.request("/error");
  await expectContractError(response, 404, "RESOURCE_NOT_FOUND");
  const unknown = await calm.app.request("/no/such/route");
  await expectContractError(unknown, 404, "RESOURCE_NOT_FOUND");
});
