import type { ErrorCode, ProblemDetails } from "@tracemesh/errors";
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { describe, expect, test } from "vitest";
import { toErrorResponse } from "./error-response.ts";
import { createTestApp, expectTestAppError } from "./test-utils.ts";

const app = createTestApp();
const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
const TRACEPARENT = `00-${TRACE_ID}-00f067aa0ba902b7-01`;

const categories: Array<[string, RequestInit, number, ErrorCode]> = [
  ["/todos?limit=500", {}, 400, "REQUEST_PARAMETER_INVALID"],
  [
    "/raw-json",
    { method: "POST", body: "{", headers: { "Content-Type": "application/json" } },
    400,
    "REQUEST_BODY_INVALID",
  ],
  ["/private", {}, 401, "AUTH_REQUIRED"],
  ["/admin", {}, 403, "FORBIDDEN"],
  ["/todos/6f1c2a51-6c43-4b8e-9d51-2f0d3b1e7a10", {}, 404, "RESOURCE_NOT_FOUND"],
  ["/no/such/route", {}, 404, "RESOURCE_NOT_FOUND"],
  ["/todos", { method: "DELETE" }, 405, "METHOD_NOT_ALLOWED"],
  ["/todos/6f1c2a51-6c43-4b8e-9d51-2f0d3b1e7a10", { method: "PUT" }, 409, "RESOURCE_CONFLICT"],
  ["/todos/6f1c2a51-6c43-4b8e-9d51-2f0d3b1e7a10", { method: "PATCH" }, 412, "PRECONDITION_FAILED"],
  [
    "/todos/6f1c2a51-6c43-4b8e-9d51-2f0d3b1e7a10",
    { method: "DELETE" },
    428,
    "PRECONDITION_REQUIRED",
  ],
  [
    "/todos",
    {
      method: "POST",
      body: "x".repeat(1_100_000),
      headers: { "Content-Type": "application/json" },
    },
    413,
    "PAYLOAD_TOO_LARGE",
  ],
  [
    "/todos",
    {
      method: "POST",
      body: "title=x",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    },
    415,
    "UNSUPPORTED_MEDIA_TYPE",
  ],
  ["/busy", {}, 429, "RATE_LIMITED"],
  ["/degraded", {}, 503, "SERVICE_UNAVAILABLE"],
  ["/error", {}, 500, "INTERNAL_ERROR"],
];

describe("every category of the contract", () => {
  test.each(categories)("%s %o → %i %s", async (path, init, status, errorCode) => {
    const response = await app.request(path, init);
    const body = await expectTestAppError(response, { status, errorCode });
    expect(body.path).toBe(new URL(path, "http://localhost").pathname);
    expect(body.method).toBe(init.method ?? "GET");
    expect(response.headers.get("content-language")).toBe("en");
    expect(response.headers.get("cache-control")).toBe("no-store");
    // The same id in the body and the trace headers: what a client quotes to find the trace.
    expect(response.headers.get("traceresponse")).toContain(`-${body.traceId}-`);
  });

  test("an incoming traceparent's trace id is the body's traceId", async () => {
    const response = await app.request("/error", { headers: { traceparent: TRACEPARENT } });
    const body = await expectTestAppError(response, { status: 500, errorCode: "INTERNAL_ERROR" });
    expect(body.traceId).toBe(TRACE_ID);
  });

  test("details are structured: the dependency by name, the conflict by reason, the precondition by field", async () => {
    const degraded = await expectTestAppError(await app.request("/degraded"), {
      status: 503,
      errorCode: "SERVICE_UNAVAILABLE",
    });
    expect(degraded.details).toEqual([{ type: "dependency", name: "database" }]);
    const conflict = await expectTestAppError(
      await app.request("/todos/6f1c2a51-6c43-4b8e-9d51-2f0d3b1e7a10", { method: "PUT" }),
      { status: 409, errorCode: "RESOURCE_CONFLICT" },
    );
    expect(conflict.details).toEqual([{ reason: "version_mismatch", currentVersion: 3 }]);
    const failed = await expectTestAppError(
      await app.request("/todos/6f1c2a51-6c43-4b8e-9d51-2f0d3b1e7a10", { method: "PATCH" }),
      { status: 412, errorCode: "PRECONDITION_FAILED" },
    );
    expect(failed.details).toEqual([{ field: "If-Match", currentEtag: '"3"', currentVersion: 3 }]);
    const required = await expectTestAppError(
      await app.request("/todos/6f1c2a51-6c43-4b8e-9d51-2f0d3b1e7a10", { method: "DELETE" }),
      { status: 428, errorCode: "PRECONDITION_REQUIRED" },
    );
    expect(required.details).toEqual([{ field: "If-Match", issue: "required" }]);
  });
});

describe("headers", () => {
  test("Retry-After on 429 (the error's) and 503 (at least one second)", async () => {
    expect((await app.request("/busy")).headers.get("retry-after")).toBe("7");
    expect((await app.request("/degraded")).headers.get("retry-after")).toBe("1");
  });

  test("WWW-Authenticate: Bearer on 401", async () => {
    expect((await app.request("/private")).headers.get("www-authenticate")).toBe("Bearer");
  });

  test("Allow on 405 lists the path's methods", async () => {
    const response = await app.request("/todos", { method: "DELETE" });
    expect(response.headers.get("allow")?.split(", ").sort()).toEqual(["GET", "HEAD", "POST"]);
  });

  test("Vary names what the body depends on, keeping other middleware's", async () => {
    expect((await app.request("/admin")).headers.get("vary")).toBe("Accept, Accept-Language");
    const withCors = new Hono();
    withCors.use(async (c, next) => {
      c.header("Vary", "Origin");
      await next();
    });
    withCors.get("/", (c) => toErrorResponse(c, new Error("x")));
    const response = await withCors.request("/");
    expect(response.headers.get("vary")).toBe("Origin, Accept, Accept-Language");
  });
});

describe("languages", () => {
  test.each([
    ["fr", "fr"],
    ["fr-CA,fr;q=0.9,en;q=0.8", "fr"],
    ["de-DE, fr;q=0.5, en;q=0.4", "fr"],
    ["en;q=0.5, fr;q=0.9", "fr"],
    ["fr;q=0, en", "en"],
    ["de, *;q=0.5", "en"],
    ["en;q=0, *", "fr"],
    ["en;q=0.1, *", "fr"],
    ["*, en;q=0.5", "fr"],
    ["en, *", "en"],
    ["EN;q=0, fr-CA;q=0, *;q=0.1", "fr"],
    ["en;q=0, fr;q=0, *", "en"],
    ["", "en"],
    ["EN-gb", "en"],
  ])("Accept-Language %j → %s", async (acceptLanguage, language) => {
    const response = await app.request("/admin", {
      headers: { "Accept-Language": acceptLanguage },
    });
    expect(response.headers.get("content-language")).toBe(language);
    await expectTestAppError(response, { status: 403, errorCode: "FORBIDDEN" });
  });

  test("French messages, same code", async () => {
    const response = await app.request("/todos?limit=0", { headers: { "Accept-Language": "fr" } });
    const body = await expectTestAppError(response, {
      status: 400,
      errorCode: "REQUEST_PARAMETER_INVALID",
    });
    expect(body.message).toBe("Un ou plusieurs paramètres sont invalides.");
  });
});

describe("RFC 9457 problem details", () => {
  test("Accept: application/problem+json gets the standard members plus every field", async () => {
    const response = await app.request("/todos?limit=500", {
      headers: { Accept: "application/problem+json", "Accept-Language": "fr" },
    });
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    const body = (await expectTestAppError(response.clone(), {
      status: 400,
      errorCode: "REQUEST_PARAMETER_INVALID",
    })) as ProblemDetails;
    expect(body).toMatchObject({
      type: "urn:tracemesh:error:REQUEST_PARAMETER_INVALID",
      title: "Un ou plusieurs paramètres sont invalides.",
      status: 400,
      detail: "Un ou plusieurs paramètres sont invalides.",
      instance: "/todos",
      details: [{ field: "limit", issue: "must_be_between", min: 1, max: 100 }],
    });
  });

  test("plain JSON stays the default, also for */* and when problem+json ranks lower", async () => {
    for (const accept of [
      "*/*",
      "application/json",
      "application/json, application/problem+json;q=0.5",
    ]) {
      const response = await app.request("/admin", { headers: { Accept: accept } });
      expect(response.headers.get("content-type")).toBe("application/json");
    }
  });
});

describe("unexpected errors", () => {
  test("nothing of the exception reaches the client", async () => {
    const response = await app.request("/error?divisor=0");
    const body = await expectTestAppError(response, { status: 500, errorCode: "INTERNAL_ERROR" });
    expect(body.message).toBe("An unexpected error occurred.");
    expect(body.details).toBeUndefined();
  });

  test("an AppError's own message is server-side only", async () => {
    const response = await app.request("/todos/6f1c2a51-6c43-4b8e-9d51-2f0d3b1e7a10");
    expect(await response.text()).not.toContain("belongs to");
  });

  test("a thrown non-Error is an INTERNAL_ERROR too", async () => {
    const bare = new Hono();
    bare.get("/", (c) => toErrorResponse(c, "10.0.0.5:5432 refused"));
    await expectTestAppError(await bare.request("/"), { status: 500, errorCode: "INTERNAL_ERROR" });
  });

  test("works without requestContext(), and sets errorCode on the context", async () => {
    const bare = new Hono();
    let seen: string | undefined;
    bare.use(async (c, next) => {
      await next();
      seen = c.get("errorCode");
    });
    bare.get("/", (c) => toErrorResponse(c, new TypeError("x is undefined")));
    const response = await bare.request("/", { headers: { traceparent: TRACEPARENT } });
    const body = await expectTestAppError(response, { status: 500, errorCode: "INTERNAL_ERROR" });
    expect(body.traceId).toBe(TRACE_ID);
    expect(seen).toBe("INTERNAL_ERROR");
  });
});

describe("Hono's HTTPExceptions", () => {
  test("bearerAuth's 401 keeps its challenge; a wrong token is AUTH_TOKEN_INVALID", async () => {
    const missing = await app.request("/bearer");
    await expectTestAppError(missing, { status: 401, errorCode: "AUTH_REQUIRED" });
    expect(missing.headers.get("www-authenticate")).toMatch(/^Bearer/);
    const wrong = await app.request("/bearer", { headers: { Authorization: "Bearer nope" } });
    await expectTestAppError(wrong, { status: 401, errorCode: "AUTH_TOKEN_INVALID" });
    expect(wrong.headers.get("www-authenticate")).toContain('error="invalid_token"');
  });

  test("a malformed Authorization header is a 400 parameter error, not a body error", async () => {
    const response = await app.request("/bearer", { headers: { Authorization: "Basic abc" } });
    await expectTestAppError(response, { status: 400, errorCode: "REQUEST_PARAMETER_INVALID" });
  });

  test.each([
    [408, "REQUEST_TIMEOUT"],
    [431, "REQUEST_HEADERS_TOO_LARGE"],
  ] as const)("an HTTPException %i keeps its status and code", async (status, errorCode) => {
    const throwing = new Hono();
    throwing.get("/", () => {
      throw new HTTPException(status);
    });
    throwing.onError((error, c) => toErrorResponse(c, error));
    await expectTestAppError(await throwing.request("/"), { status, errorCode });
  });

  test("hono/timeout's 504 is SERVICE_UNAVAILABLE with Retry-After", async () => {
    const response = await app.request("/slow");
    await expectTestAppError(response, { status: 503, errorCode: "SERVICE_UNAVAILABLE" });
    expect(response.headers.get("retry-after")).toBe("1");
  });
});
