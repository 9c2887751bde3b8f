import { expect } from "vitest";
import { ERROR_CATALOG, type ErrorCode, type Language } from "./catalog.ts";
import { type ErrorBody, PROBLEM_TYPE_PREFIX, type ProblemDetails } from "./error-body.ts";

const CONTRACT_FIELDS = [
  "errorCode",
  "message",
  "traceId",
  "timestamp",
  "path",
  "method",
  "retryable",
];
const PROBLEM_FIELDS = ["type", "title", "status", "detail", "instance"];
const OPTIONAL_FIELDS = ["details", "hint"];
// What no error body may hold (docs/architecture.md#the-error-contract): stack frames, source
// paths, exception class names, socket error codes, addresses.
const LEAKS =
  /\n\s+at |node_modules|\.ts:\d+|\b[A-Z][a-z]+Error\b|\bE(?:CONN|ADDR|PIPE)[A-Z]*\b|\b\d{1,3}(?:\.\d{1,3}){3}\b/;

export interface ExpectedError {
  status: number;
  errorCode: ErrorCode;
  /** Text of the failure (its message, its cause) that must not reach the client either. */
  secrets?: readonly string[];
}

/**
 * Reads an error response and checks what every client relies on: the status of its code,
 * the exact field set (and the RFC 9457 members when problem+json), a 32-hex traceId, the
 * catalog message in the Content-Language, and nothing of a stack, an address or the
 * failure's own text. Returns the body for further checks.
 */
export async function expectErrorContract(
  response: Response,
  expected: ExpectedError,
): Promise<ErrorBody> {
  const text = await response.text();
  expect({ status: response.status, text }).toMatchObject({ status: expected.status });
  const problem = response.headers.get("content-type") === "application/problem+json";
  if (!problem) expect(response.headers.get("content-type")).toBe("application/json");
  const body = JSON.parse(text) as ProblemDetails;
  expect(body.errorCode).toBe(expected.errorCode);
  const fields = Object.keys(body).filter((key) => !OPTIONAL_FIELDS.includes(key));
  const expectedFields = problem ? [...CONTRACT_FIELDS, ...PROBLEM_FIELDS] : CONTRACT_FIELDS;
  expect(fields.sort()).toEqual([...expectedFields].sort());
  expect(body.traceId).toMatch(/^[0-9a-f]{32}$/);
  expect(body.traceId).not.toBe("0".repeat(32));
  expect(new Date(body.timestamp).toISOString()).toBe(body.timestamp);
  expect(body.retryable).toBe(ERROR_CATALOG[expected.errorCode].retryable);
  const language = response.headers.get("content-language") as Language;
  expect(body.message).toBe(ERROR_CATALOG[expected.errorCode].messages[language]);
  if (problem) {
    expect(body).toMatchObject({
      type: `${PROBLEM_TYPE_PREFIX}${expected.errorCode}`,
      title: body.message,
      status: expected.status,
      detail: body.message,
      instance: body.path,
    });
  }
  if (body.details !== undefined) expect(body.details.length).toBeGreaterThan(0);
  expect(text).not.toMatch(LEAKS);
  for (const secret of expected.secrets ?? []) expect(text).not.toContain(secret);
  return body;
}

/**
 * Checks the headers the contract puts on an error: `traceresponse` naming the body's traceId,
 * `X-Request-Id` (the traceId unless the client sent a safe one), Content-Language,
 * no-store, and what the status calls for (Retry-After, WWW-Authenticate, Allow).
 */
export function expectContractHeaders(
  response: Response,
  body: ErrorBody,
  requestId: string = body.traceId,
): void {
  const headers = response.headers;
  expect(headers.get("traceresponse")).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
  expect(headers.get("traceresponse")?.split("-")[1]).toBe(body.traceId);
  expect(headers.get("x-request-id")).toBe(requestId);
  expect(["en", "fr"]).toContain(headers.get("content-language"));
  expect(headers.get("cache-control")).toBe("no-store");
  const status = response.status;
  if (status === 429 || status === 503) expect(headers.get("retry-after")).toMatch(/^[1-9]\d*$/);
  if (status === 401) expect(headers.get("www-authenticate")).toMatch(/^Bearer\b/);
  if (status === 405) expect(headers.get("allow")).toMatch(/^[A-Z]+(, [A-Z]+)*$/);
}
