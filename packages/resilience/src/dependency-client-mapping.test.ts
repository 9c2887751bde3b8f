import { AppError, DependencyError } from "@tracemesh/errors";
import { freePort } from "@tracemesh/testing";
import { describe, expect, test } from "vitest";
import { createDeadline } from "./deadline.ts";
import { createDependencyClient } from "./dependency-client.ts";
import { MAX_RETRY_AFTER_SECONDS } from "./retry-after.ts";
import {
  type Behaviour,
  clientFactory,
  failureOf,
  hang,
  reply,
  slow,
  upstreamPerTest,
} from "./test-utils.ts";

const upstream = upstreamPerTest();
const client = clientFactory(upstream, {
  timeouts: { attemptMs: 1_000, totalMs: 5_000 },
  retry: { maxAttempts: 1 },
});

function expectNoUpstreamAddress(error: unknown) {
  const port = new URL(upstream.url).port;
  const visible = JSON.stringify({
    message: error instanceof Error ? error.message : String(error),
    details: error instanceof AppError ? error.details : undefined,
    headers: error instanceof AppError ? error.headers : undefined,
  });
  expect(visible).not.toContain("127.0.0.1");
  expect(visible).not.toContain(port);
}

describe("failure mapping", () => {
  const unavailable: [string, Behaviour, number][] = [
    ["upstream 500", reply(500, { errorCode: "INTERNAL_ERROR" }), 1],
    ["upstream 502 without body", reply(502), 1],
    ["upstream 503 with Retry-After", reply(503, {}, { "retry-after": "7" }), 7],
    ["a hang past the attempt timeout", hang, 1],
    ["an answer slower than the attempt timeout", slow(3_000, reply(200, {})), 1],
  ];

  test.each(unavailable)(
    "%s → DependencyError 503, retryable",
    async (_, behaviour, retryAfter) => {
      upstream.behave(behaviour);
      const error = await failureOf(
        client().request({ method: "GET", path: "/", deadline: createDeadline(5_000) }),
      );
      expect(error).toBeInstanceOf(DependencyError);
      const dependencyError = error as DependencyError;
      expect(dependencyError.status).toBe(503);
      expect(dependencyError.code).toBe("SERVICE_UNAVAILABLE");
      expect(dependencyError.dependency).toBe("auth");
      expect(dependencyError.retryAfterSeconds).toBe(retryAfter);
      expect(dependencyError.headers["Retry-After"]).toBe(String(retryAfter));
      expect(dependencyError.details).toEqual([{ type: "dependency", name: "auth" }]);
      expect(dependencyError.deadlineExceeded).toBe(false);
      expectNoUpstreamAddress(error);
    },
  );

  test("a refused connection → DependencyError", async () => {
    const refused = createDependencyClient({
      name: "auth",
      baseUrl: `http://127.0.0.1:${await freePort()}`,
    });
    const error = await failureOf(
      refused.request({ method: "GET", path: "/", deadline: createDeadline(3_000) }),
    );
    expect(error).toBeInstanceOf(DependencyError);
    // Nothing said how long: the default, not a wait the dependency asked for.
    expect((error as DependencyError).retryAfterSeconds).toBe(1);
    expect((error as DependencyError).retryAfterKnown).toBe(false);
    expect((error as Error).message).not.toContain("127.0.0.1");
  });

  const keepMeaning: [string, Behaviour, string, number][] = [
    [
      "401 contract body",
      reply(401, { errorCode: "AUTH_REQUIRED", message: "x" }),
      "AUTH_REQUIRED",
      401,
    ],
    [
      "401 refined code",
      reply(401, { errorCode: "AUTH_TOKEN_INVALID" }),
      "AUTH_TOKEN_INVALID",
      401,
    ],
    ["401 plain text", reply(401, "no"), "AUTH_REQUIRED", 401],
    ["403 contract body", reply(403, { errorCode: "FORBIDDEN" }), "FORBIDDEN", 403],
    [
      "403 body whose code disagrees with the status",
      reply(403, { errorCode: "RESOURCE_NOT_FOUND" }),
      "FORBIDDEN",
      403,
    ],
    [
      "429 contract body",
      reply(429, { errorCode: "RATE_LIMITED" }, { "retry-after": "9" }),
      "RATE_LIMITED",
      429,
    ],
  ];

  test.each(keepMeaning)("%s → AppError %s (%d)", async (_, behaviour, code, status) => {
    upstream.behave(behaviour);
    const error = await failureOf(
      client().request({ method: "GET", path: "/", deadline: createDeadline(3_000) }),
    );
    expect(error).toBeInstanceOf(AppError);
    expect(error).not.toBeInstanceOf(DependencyError);
    expect((error as AppError).code).toBe(code);
    expect((error as AppError).status).toBe(status);
    expectNoUpstreamAddress(error);
  });

  // auth's 400 on an over-long token: its details name auth's request fields, not our client's.
  const tokenTooLong = {
    errorCode: "REQUEST_PARAMETER_INVALID",
    details: [{ field: "token", issue: "too_long", max: 8192 }],
  };
  const integrationFaults: [string, Behaviour, number][] = [
    ["400 with the upstream's own field names", reply(400, tokenTooLong), 400],
    ["404, as a wrong base URL answers", reply(404, { errorCode: "RESOURCE_NOT_FOUND" }), 404],
    ["405 with its Allow", reply(405, { errorCode: "METHOD_NOT_ALLOWED" }, { allow: "GET" }), 405],
    ["409", reply(409, { errorCode: "RESOURCE_CONFLICT" }), 409],
    ["413", reply(413, { errorCode: "PAYLOAD_TOO_LARGE" }), 413],
    ["415", reply(415, { errorCode: "UNSUPPORTED_MEDIA_TYPE" }), 415],
    ["422", reply(422, "unprocessable"), 422],
    ["418, a status the contract does not know", reply(418, "teapot"), 418],
  ];

  test.each(integrationFaults)(
    "%s the call did not declare meaningful → INTERNAL_ERROR, nothing of the upstream's answer relayed",
    async (_, behaviour, status) => {
      upstream.behave(behaviour);
      const error = (await failureOf(
        client().request({ method: "POST", path: "/", deadline: createDeadline(3_000) }),
      )) as AppError;
      expect(error).toBeInstanceOf(AppError);
      expect(error).not.toBeInstanceOf(DependencyError);
      expect(error.code).toBe("INTERNAL_ERROR");
      expect(error.status).toBe(500);
      expect(error.details).toBeUndefined();
      expect(error.headers).toEqual({});
      // Server-side only (logs, spans): which dependency answered what.
      expect(error.message).toMatch(new RegExp(`^auth answered ${status}\\b`));
      expectNoUpstreamAddress(error);
    },
  );

  test("a status the call declares meaningful keeps its meaning, without the upstream's details", async () => {
    upstream.behave(reply(404, { errorCode: "RESOURCE_NOT_FOUND", details: [{ field: "id" }] }));
    const deadline = createDeadline(3_000);
    const notFound = (await failureOf(
      client().request({ method: "GET", path: "/", deadline, meaningfulStatuses: [404] }),
    )) as AppError;
    expect(notFound.code).toBe("RESOURCE_NOT_FOUND");
    expect(notFound.details).toBeUndefined();

    upstream.behave(reply(409, { errorCode: "FORBIDDEN" }));
    const conflict = (await failureOf(
      client().request({ method: "GET", path: "/", deadline, meaningfulStatuses: [404, 409] }),
    )) as AppError;
    // A body code that disagrees with the status gives way to the status's generic code.
    expect(conflict.code).toBe("RESOURCE_CONFLICT");
    // Declaring one status changes nothing for the others.
    upstream.behave(reply(400, tokenTooLong));
    const invalid = (await failureOf(
      client().request({ method: "GET", path: "/", deadline, meaningfulStatuses: [404] }),
    )) as AppError;
    expect(invalid.code).toBe("INTERNAL_ERROR");
  });

  test("401 keeps its challenge and 403 loses its details; nothing else of the answer is relayed", async () => {
    const deadline = createDeadline(3_000);
    upstream.behave(
      reply(
        401,
        { errorCode: "AUTH_TOKEN_INVALID", details: [{ field: "token", issue: "expired" }] },
        { "www-authenticate": 'Bearer error="invalid_token"', location: "http://x" },
      ),
    );
    const unauthenticated = (await failureOf(
      client().request({ method: "GET", path: "/", deadline }),
    )) as AppError;
    expect(unauthenticated.headers).toEqual({ "WWW-Authenticate": 'Bearer error="invalid_token"' });
    expect(unauthenticated.details).toBeUndefined();

    upstream.behave(
      reply(403, { errorCode: "FORBIDDEN", details: [{ field: "action", issue: "role" }] }),
    );
    const forbidden = (await failureOf(
      client().request({ method: "GET", path: "/", deadline }),
    )) as AppError;
    expect(forbidden.details).toBeUndefined();
    expect(forbidden.headers).toEqual({});
  });

  test.each([
    ["9", "9"],
    ["86400", String(MAX_RETRY_AFTER_SECONDS)],
    [new Date(Date.now() + 86_400_000).toUTCString(), String(MAX_RETRY_AFTER_SECONDS)],
    ["Wed, 25 Nov 2020 10:00:00 GMT", "1"],
    // Nothing readable to relay: the response gets the contract's default (error-response.ts).
    ["soon", undefined],
    [undefined, undefined],
  ])("a 429's Retry-After %j is relayed as %j seconds", async (value, relayed) => {
    const headers: Record<string, string> = value === undefined ? {} : { "retry-after": value };
    upstream.behave(
      reply(429, { errorCode: "RATE_LIMITED" }, { ...headers, location: "http://x" }),
    );
    const limited = (await failureOf(
      client().request({ method: "GET", path: "/", deadline: createDeadline(3_000) }),
    )) as AppError;
    expect(limited.code).toBe("RATE_LIMITED");
    expect(limited.headers).toEqual(relayed === undefined ? {} : { "Retry-After": relayed });
  });
});
