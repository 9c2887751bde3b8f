import { describe, expect, test } from "vitest";
import { ERROR_CATALOG, ERROR_CODES, isErrorCode, LANGUAGES } from "./catalog.ts";

describe("ERROR_CATALOG", () => {
  test("holds every code of the contract's table with its status", () => {
    const statuses = Object.fromEntries(
      ERROR_CODES.map((code) => [code, ERROR_CATALOG[code].status]),
    );
    expect(statuses).toMatchObject({
      REQUEST_PARAMETER_INVALID: 400,
      REQUEST_BODY_INVALID: 400,
      AUTH_REQUIRED: 401,
      AUTH_INVALID_CREDENTIALS: 401,
      FORBIDDEN: 403,
      RESOURCE_NOT_FOUND: 404,
      METHOD_NOT_ALLOWED: 405,
      REQUEST_TIMEOUT: 408,
      RESOURCE_CONFLICT: 409,
      PRECONDITION_FAILED: 412,
      PAYLOAD_TOO_LARGE: 413,
      UNSUPPORTED_MEDIA_TYPE: 415,
      PRECONDITION_REQUIRED: 428,
      REQUEST_HEADERS_TOO_LARGE: 431,
      RATE_LIMITED: 429,
      SERVICE_UNAVAILABLE: 503,
      INTERNAL_ERROR: 500,
    });
  });

  test.each(ERROR_CODES)(
    "%s is UPPER_SNAKE, an error status, and documented in every language",
    (code) => {
      const definition = ERROR_CATALOG[code];
      expect(code).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
      expect(definition.status).toBeGreaterThanOrEqual(400);
      expect(definition.status).toBeLessThan(600);
      for (const language of LANGUAGES) expect(definition.messages[language].trim()).not.toBe("");
      expect(definition.messages.fr).not.toBe(definition.messages.en);
      expect(definition.meaning.length).toBeGreaterThan(20);
      expect(definition.clientAction.length).toBeGreaterThan(10);
    },
  );

  test("only throttling, unavailability and a request that arrived too slowly are retryable", () => {
    const retryable = ERROR_CODES.filter((code) => ERROR_CATALOG[code].retryable);
    expect(retryable.sort()).toEqual(["RATE_LIMITED", "REQUEST_TIMEOUT", "SERVICE_UNAVAILABLE"]);
  });

  test("isErrorCode accepts catalog codes only", () => {
    expect(isErrorCode("RATE_LIMITED")).toBe(true);
    for (const value of ["rate_limited", "toString", "__proto__", 429, undefined, null]) {
      expect(isErrorCode(value)).toBe(false);
    }
  });
});
