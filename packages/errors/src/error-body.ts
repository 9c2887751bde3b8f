import type { AppError, ErrorDetail } from "./app-error.ts";
import { ERROR_CATALOG, type ErrorCode, type Language } from "./catalog.ts";

/** The JSON body of every error response (docs/architecture.md#the-error-contract). */
export interface ErrorBody {
  errorCode: ErrorCode;
  message: string;
  details?: readonly ErrorDetail[];
  traceId: string;
  timestamp: string;
  path: string;
  method: string;
  retryable: boolean;
  hint?: string;
}

/** The RFC 9457 form of the same error: the standard members plus every ErrorBody field. */
export interface ProblemDetails extends ErrorBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
}

/** The problem `type` of a code: a stable URI naming the code, listed in docs/errors.md. */
export const PROBLEM_TYPE_PREFIX = "urn:tracemesh:error:";

/** Bounds a response whatever the input: a 1 MB array of bad items must not echo 100k details. */
export const MAX_DETAILS = 50;

/** Where and when an error was answered: what its body says besides the error itself. */
export interface ErrorOccurrence {
  traceId: string;
  path: string;
  method: string;
  language: Language;
  timestamp: Date;
}

/** The contract body of an error for one request, in the negotiated language. */
export function errorBody(error: AppError, occurrence: ErrorOccurrence): ErrorBody {
  const definition = ERROR_CATALOG[error.code];
  return {
    errorCode: error.code,
    message: definition.messages[occurrence.language],
    ...(error.details && { details: error.details.slice(0, MAX_DETAILS) }),
    traceId: occurrence.traceId,
    timestamp: occurrence.timestamp.toISOString(),
    path: occurrence.path,
    method: occurrence.method,
    retryable: definition.retryable,
    ...(error.hint !== undefined && { hint: error.hint }),
  };
}

/** Wraps an ErrorBody in RFC 9457 members; `instance` is the request path. */
export function problemDetails(body: ErrorBody): ProblemDetails {
  return {
    type: `${PROBLEM_TYPE_PREFIX}${body.errorCode}`,
    title: body.message,
    status: ERROR_CATALOG[body.errorCode].status,
    detail: body.message,
    instance: body.path,
    ...body,
  };
}
