import { describe, expect, test } from "vitest";
import { AppError } from "./app-error.ts";
import {
  ConflictError,
  DependencyError,
  ForbiddenError,
  InvalidParameterError,
  MethodNotAllowedError,
  NotFoundError,
  PayloadTooLargeError,
  PreconditionFailedError,
  PreconditionRequiredError,
  RateLimitedError,
  RequestBodyInvalidError,
  UnauthenticatedError,
  UnsupportedMediaTypeError,
} from "./error-classes.ts";

const cause = new Error("connect ECONNREFUSED");

describe("error classes", () => {
  test.each([
    [
      new InvalidParameterError([{ field: "limit", issue: "required" }]),
      "InvalidParameterError",
      "REQUEST_PARAMETER_INVALID",
      400,
    ],
    [new RequestBodyInvalidError(), "RequestBodyInvalidError", "REQUEST_BODY_INVALID", 400],
    [new UnauthenticatedError(), "UnauthenticatedError", "AUTH_REQUIRED", 401],
    [
      new UnauthenticatedError({ code: "AUTH_INVALID_CREDENTIALS" }),
      "UnauthenticatedError",
      "AUTH_INVALID_CREDENTIALS",
      401,
    ],
    [new ForbiddenError(), "ForbiddenError", "FORBIDDEN", 403],
    [new NotFoundError(), "NotFoundError", "RESOURCE_NOT_FOUND", 404],
    [new MethodNotAllowedError(["GET"]), "MethodNotAllowedError", "METHOD_NOT_ALLOWED", 405],
    [new ConflictError({ reason: "version_mismatch" }), "ConflictError", "RESOURCE_CONFLICT", 409],
    [new PreconditionFailedError(), "PreconditionFailedError", "PRECONDITION_FAILED", 412],
    [new PayloadTooLargeError({ maxBytes: 10 }), "PayloadTooLargeError", "PAYLOAD_TOO_LARGE", 413],
    [new UnsupportedMediaTypeError(), "UnsupportedMediaTypeError", "UNSUPPORTED_MEDIA_TYPE", 415],
    [new PreconditionRequiredError(), "PreconditionRequiredError", "PRECONDITION_REQUIRED", 428],
    [new RateLimitedError({ retryAfterSeconds: 3 }), "RateLimitedError", "RATE_LIMITED", 429],
    [new DependencyError({ dependency: "auth" }), "DependencyError", "SERVICE_UNAVAILABLE", 503],
  ])("%o is named %s with code %s (%i)", (error, name, code, status) => {
    expect(error).toBeInstanceOf(AppError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe(name);
    expect(error.code).toBe(code);
    expect(error.status).toBe(status);
    expect(error.stack).toContain(name);
  });

  test("the cause is kept for logs and spans", () => {
    expect(new DependencyError({ dependency: "database", cause }).cause).toBe(cause);
    expect(new NotFoundError({ cause }).cause).toBe(cause);
    expect(new AppError("INTERNAL_ERROR", { cause }).cause).toBe(cause);
  });

  test("DependencyError: details name the dependency, Retry-After defaults to 1 s", () => {
    const error = new DependencyError({ dependency: "nats", cause });
    expect(error.details).toEqual([{ type: "dependency", name: "nats" }]);
    expect(error.headers).toEqual({ "Retry-After": "1" });
    expect(
      new DependencyError({ dependency: "auth", retryAfterSeconds: 12.2 }).headers["Retry-After"],
    ).toBe("13");
  });

  test("Retry-After is a whole number of seconds, at least 1", () => {
    expect(new RateLimitedError({ retryAfterSeconds: 0 }).headers["Retry-After"]).toBe("1");
    expect(new RateLimitedError({ retryAfterSeconds: Number.NaN }).headers["Retry-After"]).toBe(
      "1",
    );
    expect(new RateLimitedError({ retryAfterSeconds: 59.01 }).headers["Retry-After"]).toBe("60");
  });

  test("401s carry a Bearer challenge; an invalid token says so (RFC 6750)", () => {
    expect(new UnauthenticatedError().headers["WWW-Authenticate"]).toBe("Bearer");
    expect(
      new UnauthenticatedError({ code: "AUTH_TOKEN_INVALID" }).headers["WWW-Authenticate"],
    ).toBe('Bearer error="invalid_token"');
  });

  test("ConflictError puts the reason and extra facts in one detail", () => {
    const error = new ConflictError({ reason: "version_mismatch", currentVersion: 4, cause });
    expect(error.details).toEqual([{ reason: "version_mismatch", currentVersion: 4 }]);
    expect(error.cause).toBe(cause);
  });

  test("preconditions name their field, If-Match by default, with the facts in one detail", () => {
    const failed = new PreconditionFailedError({ currentEtag: '"4"', currentVersion: 4, cause });
    expect(failed.details).toEqual([{ field: "If-Match", currentEtag: '"4"', currentVersion: 4 }]);
    expect(failed.cause).toBe(cause);
    expect(new PreconditionRequiredError({ issue: "required" }).details).toEqual([
      { field: "If-Match", issue: "required" },
    ]);
    expect(new PreconditionRequiredError({ field: "If-Unmodified-Since" }).details).toEqual([
      { field: "If-Unmodified-Since" },
    ]);
  });

  test("a server-side message defaults to the English catalog message", () => {
    expect(new ForbiddenError().message).toBe("You are not allowed to perform this action.");
    expect(new ForbiddenError({ message: "user 7 lacks todo:admin" }).message).toBe(
      "user 7 lacks todo:admin",
    );
  });

  test("empty details are no details", () => {
    expect(new AppError("REQUEST_PARAMETER_INVALID", { details: [] }).details).toBeUndefined();
  });
});
