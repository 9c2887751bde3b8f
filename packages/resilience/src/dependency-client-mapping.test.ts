import { AppError, DependencyError } from "@tracemesh/errors";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { createDeadline } from "./deadline.ts";
import { createDependencyClient, type DependencyClientOptions } from "./dependency-client.ts";
import {
  type Behaviour,
  failureOf,
  hang,
  refusedUrl,
  reply,
  slow,
  startUpstream,
  type Upstream,
} from "./test-utils.ts";

let upstream: Upstream;
beforeEach(async () => {
  upstream = await startUpstream();
});
afterEach(() => upstream.close());

function client(overrides: Partial<DependencyClientOptions> = {}) {
  return createDependencyClient({
    name: "auth",
    baseUrl: upstream.url,
    timeouts: { attemptMs: 1_000, totalMs: 5_000 },
    retry: { maxAttempts: 1 },
    ...overrides,
  });
}

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
      expectNoUpstreamAddress(error);
    },
  );

  test("a refused connection → DependencyError", async () => {
    const refused = createDependencyClient({ name: "auth", baseUrl: await refusedUrl() });
    const error = await failureOf(
      refused.request({ method: "GET", path: "/", deadline: createDeadline(3_000) }),
    );
    expect(error).toBeInstanceOf(DependencyError);
    expect((error as DependencyError).retryAfterSeconds).toBe(1);
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
    ["403 contract body", reply(403, { errorCode: "FORBIDDEN" }), "FORBIDDEN", 403],
    ["404 plain text", reply(404, "no such thing"), "RESOURCE_NOT_FOUND", 404],
    [
      "409 body whose code disagrees with the status",
      reply(409, { errorCode: "FORBIDDEN" }),
      "RESOURCE_CONFLICT",
      409,
    ],
    [
      "429 contract body",
      reply(429, { errorCode: "RATE_LIMITED" }, { "retry-after": "9" }),
      "RATE_LIMITED",
      429,
    ],
    ["418, a status the contract does not know", reply(418, "teapot"), "INTERNAL_ERROR", 500],
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

  test("an upstream 400 keeps its details; 401 and 429 keep their challenge and Retry-After", async () => {
    const details = [{ field: "token", issue: "required" }];
    upstream.behave(reply(400, { errorCode: "REQUEST_PARAMETER_INVALID", details }));
    const deadline = createDeadline(3_000);
    const invalid = (await failureOf(
      client().request({ method: "GET", path: "/", deadline }),
    )) as AppError;
    expect(invalid.details).toEqual(details);

    upstream.behave(
      reply(
        401,
        { errorCode: "AUTH_TOKEN_INVALID" },
        { "www-authenticate": 'Bearer error="invalid_token"' },
      ),
    );
    const unauthenticated = (await failureOf(
      client().request({ method: "GET", path: "/", deadline }),
    )) as AppError;
    expect(unauthenticated.headers).toEqual({ "WWW-Authenticate": 'Bearer error="invalid_token"' });

    upstream.behave(
      reply(429, { errorCode: "RATE_LIMITED" }, { "retry-after": "9", location: "http://x" }),
    );
    const limited = (await failureOf(
      client().request({ method: "GET", path: "/", deadline }),
    )) as AppError;
    expect(limited.headers).toEqual({ "Retry-After": "9" });
  });
});
