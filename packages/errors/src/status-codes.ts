import type { ErrorCode } from "./catalog.ts";

/** The generic code of each HTTP status the contract knows, for errors that carry only a status. */
const CODE_BY_STATUS: Readonly<Record<number, ErrorCode>> = {
  400: "REQUEST_PARAMETER_INVALID",
  401: "AUTH_REQUIRED",
  403: "FORBIDDEN",
  404: "RESOURCE_NOT_FOUND",
  405: "METHOD_NOT_ALLOWED",
  408: "REQUEST_TIMEOUT",
  409: "RESOURCE_CONFLICT",
  412: "PRECONDITION_FAILED",
  413: "PAYLOAD_TOO_LARGE",
  415: "UNSUPPORTED_MEDIA_TYPE",
  422: "REQUEST_PARAMETER_INVALID",
  428: "PRECONDITION_REQUIRED",
  429: "RATE_LIMITED",
  431: "REQUEST_HEADERS_TOO_LARGE",
  502: "SERVICE_UNAVAILABLE",
  503: "SERVICE_UNAVAILABLE",
  // hono/timeout throws 504: to clients, a deadline that ran out is an unavailable service.
  504: "SERVICE_UNAVAILABLE",
};

/** The contract's generic code for an HTTP status (Hono exceptions, upstream answers); undefined when none fits. */
export function codeForStatus(status: number): ErrorCode | undefined {
  return CODE_BY_STATUS[status];
}
