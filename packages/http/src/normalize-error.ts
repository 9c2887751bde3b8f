import type { ErrorCode } from "@tracemesh/errors";
import { AppError, codeForStatus } from "@tracemesh/errors";
import { HTTPException } from "hono/http-exception";

/** Headers of an HTTPException's prepared response that the contract keeps. */
const KEPT_HEADERS = ["allow", "retry-after", "www-authenticate"];

// Hono's validator throws 400 with these messages when it cannot parse the body.
const BODY_PARSE_FAILURE = /^Malformed (JSON|FormData)/;

function codeOf(exception: HTTPException, headers: Record<string, string>): ErrorCode {
  if (exception.status === 400 && BODY_PARSE_FAILURE.test(exception.message)) {
    return "REQUEST_BODY_INVALID";
  }
  if (exception.status === 401 && headers["www-authenticate"]?.includes("invalid_token")) {
    return "AUTH_TOKEN_INVALID";
  }
  const known = codeForStatus(exception.status);
  if (known !== undefined) return known;
  return exception.status < 500 ? "REQUEST_PARAMETER_INVALID" : "INTERNAL_ERROR";
}

function fromHttpException(exception: HTTPException): AppError {
  const headers: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    const value = exception.res?.headers.get(name);
    if (value) headers[name] = value;
  }
  // The exception's text (e.g. "Malformed JSON in request body") stays server-side.
  const message = exception.message || undefined;
  return new AppError(codeOf(exception, headers), { message, cause: exception, headers });
}

/**
 * Any thrown value as an AppError: AppErrors as they are, Hono's HTTPExceptions by status,
 * everything else INTERNAL_ERROR with the original kept as `cause` for logs and spans.
 */
export function normalizeError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof HTTPException) return fromHttpException(error);
  return new AppError("INTERNAL_ERROR", { message: "unexpected error", cause: error });
}
