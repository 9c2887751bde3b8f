import {
  type AppError,
  ERROR_CATALOG,
  errorBody,
  problemDetails,
  retryAfterHeader,
} from "@tracemesh/errors";
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { isAbandonment } from "./abandoned-request.ts";
import { recordErrorTelemetry } from "./error-telemetry.ts";
import { matchedRoute } from "./matched-route.ts";
import { negotiateLanguage, PROBLEM_JSON, prefersProblemJson } from "./negotiation.ts";
import { normalizeError } from "./normalize-error.ts";
import { traceIdOf } from "./request-context.ts";

declare module "hono" {
  interface ContextVariableMap {
    /** The errorCode of the error response, set by `toErrorResponse` for the access log line. */
    errorCode?: string;
  }
}

/** The request path as sent (percent-encoded), so no decoded control character is echoed. */
function rawPath(c: Context): string {
  try {
    return new URL(c.req.url).pathname;
  } catch {
    return c.req.path;
  }
}

function hasHeader(headers: Record<string, string>, lowerName: string): boolean {
  return Object.keys(headers).some((name) => name.toLowerCase() === lowerName);
}

/**
 * The error's own headers plus those its status requires (RFC 9110, RFC 6750,
 * docs/architecture.md#the-error-contract).
 */
function errorHeaders(error: AppError, status: number): Record<string, string> {
  const headers: Record<string, string> = {
    ...error.headers,
    // Each error carries its own traceId and timestamp: a cached copy would mislead.
    "Cache-Control": "no-store",
  };
  if ((status === 429 || status === 503) && !hasHeader(headers, "retry-after")) {
    headers["Retry-After"] = retryAfterHeader(undefined);
  }
  if (status === 401 && !hasHeader(headers, "www-authenticate")) {
    headers["WWW-Authenticate"] = "Bearer";
  }
  return headers;
}

/** The request an error answers, when it is not the Context's own (see rejection-response.ts). */
export interface ErrorTarget {
  /** Percent-encoded, without the query; empty when it never arrived. */
  path: string;
  /** Empty when it never arrived. */
  method: string;
}

/**
 * The one builder of error responses (docs/architecture.md#the-error-contract): the contract body,
 * or RFC 9457 problem+json when asked, in the negotiated language, with the headers the status
 * calls for. Anything that is not an AppError or HTTPException becomes INTERNAL_ERROR with nothing
 * of it shown.
 */
export function toErrorResponse(
  c: Context,
  error: unknown,
  target: ErrorTarget = { path: rawPath(c), method: c.req.method },
): Response {
  const appError = normalizeError(error);
  const { status } = ERROR_CATALOG[appError.code];
  const language = negotiateLanguage(c);
  const problem = prefersProblemJson(c);
  const body = errorBody(appError, {
    traceId: traceIdOf(c),
    path: target.path,
    method: target.method,
    language,
    timestamp: new Date(),
  });
  c.set("errorCode", appError.code);
  // An answer no one will get, to a request abandoned before it: no error of the service's.
  if (!isAbandonment(c, error)) recordErrorTelemetry(appError, status, matchedRoute(c));
  // Appended, so a Vary set by other middleware (CORS's Origin) survives.
  c.header("Vary", "Accept, Accept-Language", { append: true });
  return c.body(
    JSON.stringify(problem ? problemDetails(body) : body),
    status as ContentfulStatusCode,
    {
      ...errorHeaders(appError, status),
      "Content-Type": problem ? PROBLEM_JSON : "application/json",
      "Content-Language": language,
    },
  );
}
