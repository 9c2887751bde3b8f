import { MAX_BEARER_TOKEN_LENGTH } from "@tracemesh/http";
import { afterAll, afterEach, beforeAll, expect, test } from "vitest";
import { passThrough, startTestAuth, type TestAuth } from "../test-auth-server.ts";
import { expectContractError, openTestApp, type TestApp, withBearer } from "../test-utils.ts";

// How auth's answers other than allow reach todo-api's clients: docs/architecture.md, sections
// #the-error-contract and #deadlines-and-resilience.
let auth: TestAuth;
let t: TestApp;
let token: string;
beforeAll(async () => {
  auth = await startTestAuth();
  token = await auth.login("alice");
  t = await openTestApp({
    decisionCacheTtlMs: 0,
    auth: { url: auth.url, retry: { maxAttempts: 1 } },
  });
});
afterEach(() => {
  auth.behave(passThrough);
  auth.hits.length = 0;
});
afterAll(() => Promise.all([t?.database.dispose(), auth?.close()]));

const tokenTooLong = {
  errorCode: "REQUEST_PARAMETER_INVALID",
  details: [{ field: "token", issue: "too_long", max: MAX_BEARER_TOKEN_LENGTH }],
};

test.each([
  ["a 400 naming auth's own fields", 400, tokenTooLong],
  ["a 404, as a wrong AUTH_URL answers every call", 404, { errorCode: "RESOURCE_NOT_FOUND" }],
  ["a 405", 405, { errorCode: "METHOD_NOT_ALLOWED" }],
  ["a 422", 422, { errorCode: "REQUEST_PARAMETER_INVALID" }],
])(
  "%s is our integration fault: 500 INTERNAL_ERROR, nothing of auth's answer shown",
  async (_name, status, body) => {
    auth.behave(() => Response.json(body, { status, headers: { Allow: "GET" } }));
    const response = await t.app.request("/v1/todos", withBearer(token));
    const text = await response.clone().text();
    const error = await expectContractError(response, 500, "INTERNAL_ERROR");
    expect(error.details).toBeUndefined();
    expect(response.headers.get("Allow")).toBeNull();
    expect(text).not.toMatch(/token|too_long|8192|RESOURCE_NOT_FOUND|METHOD_NOT_ALLOWED/);
    // The operator sees which dependency answered what, server-side.
    const line = (await t.logLines()).findLast((each) => each.event === "http.request");
    expect(JSON.stringify(line?.error)).toContain(`auth answered ${status}`);
  },
);

test("auth's 429 keeps its meaning, with a Retry-After capped for our clients", async () => {
  auth.behave(() =>
    Response.json(
      { errorCode: "RATE_LIMITED" },
      { status: 429, headers: { "Retry-After": "86400" } },
    ),
  );
  const response = await t.app.request("/v1/todos", withBearer(token));
  await expectContractError(response, 429, "RATE_LIMITED");
  expect(response.headers.get("Retry-After")).toBe("60");
});

test("auth's 503 with a day-long Retry-After: 503 auth, and clients are told at most a minute", async () => {
  auth.behave(() =>
    Response.json(
      { errorCode: "SERVICE_UNAVAILABLE" },
      { status: 503, headers: { "Retry-After": "86400" } },
    ),
  );
  const response = await t.app.request("/v1/todos", withBearer(token));
  await expectContractError(response, 503, "SERVICE_UNAVAILABLE");
  expect(response.headers.get("Retry-After")).toBe("60");
});

test.each([
  ["8192 characters and padding", `${"a".repeat(MAX_BEARER_TOKEN_LENGTH)}==`],
  ["one character too many", `aaaa.bbbb.${"c".repeat(MAX_BEARER_TOKEN_LENGTH - 9)}`],
  ["not a compact JWS", "not-a-jwt"],
])(
  "a bearer token auth would refuse (%s) is the neutral 401 here, auth never asked",
  async (_name, bearer) => {
    const response = await t.app.request("/v1/todos", withBearer(bearer));
    const error = await expectContractError(response, 401, "AUTH_REQUIRED");
    expect(response.headers.get("WWW-Authenticate")).toBe("Bearer");
    expect(error.details).toBeUndefined();
    expect(auth.hits).toHaveLength(0);
  },
);
