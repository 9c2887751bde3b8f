import { afterAll, beforeAll, expect, test } from "vitest";
import { startTestAuth, type TestAuth } from "./test-auth-server.ts";
import {
  expectContractError,
  jsonRequest,
  openTestApp,
  type TestApp,
  withBearer,
} from "./test-utils.ts";

let t: TestApp;
let auth: TestAuth;
let token: string;
beforeAll(async () => {
  auth = await startTestAuth();
  token = await auth.login("alice");
  t = await openTestApp({ auth: { url: auth.url } });
});
afterAll(() => Promise.all([t?.database.dispose(), auth?.close()]));

const TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

test("an unknown route is 404, a known path with another method 405 with Allow", async () => {
  await expectContractError(await t.app.request("/v2/todos"), 404, "RESOURCE_NOT_FOUND");
  const put = await t.app.request(
    "/v1/todos/6a1f3c2e-9b4d-4e8f-a7c6-5d4e3f2a1b0c",
    withBearer(token, { method: "PUT" }),
  );
  await expectContractError(put, 405, "METHOD_NOT_ALLOWED");
  expect(put.headers.get("Allow")?.split(", ").sort()).toEqual(["DELETE", "GET", "HEAD", "PATCH"]);
});

test("under /v1 a request without a bearer token is 401 before anything else, auth not asked", async () => {
  const before = auth.hits.length;
  for (const [path, method] of [
    ["/v1/todos", "GET"],
    ["/v1/todos/6a1f3c2e-9b4d-4e8f-a7c6-5d4e3f2a1b0c", "PUT"],
    ["/v1/nothing-here", "GET"],
  ] as const) {
    const response = await t.app.request(path, { method });
    await expectContractError(response, 401, "AUTH_REQUIRED");
    expect(response.headers.get("WWW-Authenticate")).toBe("Bearer");
  }
  expect(auth.hits.length).toBe(before);
  // Outside /v1 nothing changes: probes and unknown routes need no token.
  expect((await t.app.request("/health/live")).status).toBe(200);
  await expectContractError(await t.app.request("/v2/todos"), 404, "RESOURCE_NOT_FOUND");
});

test("the trace of an incoming traceparent is the one in the body and traceresponse", async () => {
  const response = await t.app.request("/v2/todos", { headers: { traceparent: TRACEPARENT } });
  const error = await expectContractError(response, 404, "RESOURCE_NOT_FOUND");
  expect(error.traceId).toBe("4bf92f3577b34da6a3ce929d0e0e4736");
});

test("a safe X-Request-Id is echoed, an unsafe one replaced by the trace id", async () => {
  const safe = await t.app.request("/health/live", { headers: { "X-Request-Id": "req-42.a:b" } });
  expect(safe.headers.get("X-Request-Id")).toBe("req-42.a:b");
  const unsafe = await t.app.request("/health/live", {
    headers: { "X-Request-Id": "<script>", traceparent: TRACEPARENT },
  });
  expect(unsafe.headers.get("X-Request-Id")).toBe("4bf92f3577b34da6a3ce929d0e0e4736");
});

test("errors speak French on request and RFC 9457 when asked", async () => {
  const french = await t.app.request("/v1/todos", {
    ...jsonRequest("POST", {}),
    headers: {
      "Content-Type": "application/json",
      "Accept-Language": "fr",
      Authorization: `Bearer ${token}`,
    },
  });
  expect(french.headers.get("Content-Language")).toBe("fr");
  expect(((await french.json()) as { message: string }).message).toMatch(/paramètres/);
  const problem = await t.app.request("/v2/todos", {
    headers: { Accept: "application/problem+json" },
  });
  expect(problem.headers.get("Content-Type")).toMatch(/^application\/problem\+json/);
  expect(await problem.json()).toMatchObject({ status: 404, errorCode: "RESOURCE_NOT_FOUND" });
});

test("every request writes one access line with the route template, never the raw path", async () => {
  const created = await t.app.request(
    "/v1/todos",
    withBearer(token, jsonRequest("POST", { title: "logged" })),
  );
  const { id } = (await created.json()) as { id: string };
  await t.app.request(`/v1/todos/${id}`, withBearer(token));
  const access = (await t.logLines()).filter((line) => line.event === "http.request");
  expect(access.at(-2)).toMatchObject({
    service: "todo-api",
    http: { method: "POST", route: "/v1/todos", status: 201 },
  });
  expect(access.at(-1)).toMatchObject({
    http: { method: "GET", route: "/v1/todos/:id", status: 200 },
  });
  expect(JSON.stringify(access.at(-1))).not.toContain(id);
});

test("a 401 from the /v1 bearer check is logged under the route it stopped, unknown paths under none", async () => {
  await t.app.request("/v1/todos/6a1f3c2e-9b4d-4e8f-a7c6-5d4e3f2a1b0c");
  await t.app.request("/v1/nothing-here");
  const [known, unknown] = (await t.logLines())
    .filter((line) => line.event === "http.request")
    .slice(-2);
  expect(known).toMatchObject({
    errorCode: "AUTH_REQUIRED",
    http: { method: "GET", route: "/v1/todos/:id", status: 401 },
  });
  expect(unknown).toMatchObject({ errorCode: "AUTH_REQUIRED", http: { status: 401 } });
  expect(unknown?.http).not.toHaveProperty("route");
});
