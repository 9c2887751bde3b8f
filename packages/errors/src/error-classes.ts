import { AppError, type AppErrorOptions, type ErrorDetail, retryAfterHeader } from "./app-error.ts";

type OptionsWithoutDetails = Omit<AppErrorOptions, "details">;

/** 400 REQUEST_PARAMETER_INVALID: one detail per failing field, `{ field, issue, ...constraint }`. */
export class InvalidParameterError extends AppError {
  override name = "InvalidParameterError";
  constructor(details: readonly ErrorDetail[], options: OptionsWithoutDetails = {}) {
    super("REQUEST_PARAMETER_INVALID", { ...options, details });
  }
}

/** 400 REQUEST_BODY_INVALID: the body is not parsable JSON. */
export class RequestBodyInvalidError extends AppError {
  override name = "RequestBodyInvalidError";
  constructor(options: AppErrorOptions = {}) {
    super("REQUEST_BODY_INVALID", options);
  }
}

export type UnauthenticatedCode =
  | "AUTH_REQUIRED"
  | "AUTH_TOKEN_INVALID"
  | "AUTH_INVALID_CREDENTIALS";

/** 401 (AUTH_REQUIRED by default) with `WWW-Authenticate: Bearer` (RFC 6750). */
export class UnauthenticatedError extends AppError {
  override name = "UnauthenticatedError";
  constructor(options: AppErrorOptions & { code?: UnauthenticatedCode } = {}) {
    const { code = "AUTH_REQUIRED", headers, ...rest } = options;
    const challenge = code === "AUTH_TOKEN_INVALID" ? 'Bearer error="invalid_token"' : "Bearer";
    super(code, { ...rest, headers: { "WWW-Authenticate": challenge, ...headers } });
  }
}

/** 403 FORBIDDEN. Another user's resource is a NotFoundError instead, to not reveal it exists. */
export class ForbiddenError extends AppError {
  override name = "ForbiddenError";
  constructor(options: AppErrorOptions = {}) {
    super("FORBIDDEN", options);
  }
}

export type NotFoundCode = "RESOURCE_NOT_FOUND" | "USER_NOT_FOUND";

/** 404 (RESOURCE_NOT_FOUND by default), for unknown routes and unknown (or not visible) resources. */
export class NotFoundError extends AppError {
  override name = "NotFoundError";
  constructor(options: AppErrorOptions & { code?: NotFoundCode } = {}) {
    const { code = "RESOURCE_NOT_FOUND", ...rest } = options;
    super(code, rest);
  }
}

/** 405 METHOD_NOT_ALLOWED with the `Allow` header listing the path's methods. */
export class MethodNotAllowedError extends AppError {
  override name = "MethodNotAllowedError";
  readonly allowedMethods: readonly string[];
  constructor(allowedMethods: readonly string[], options: AppErrorOptions = {}) {
    super("METHOD_NOT_ALLOWED", {
      ...options,
      headers: { ...options.headers, Allow: allowedMethods.join(", ") },
    });
    this.allowedMethods = allowedMethods;
  }
}

/** The detail of a conflict: `reason` (e.g. `version_mismatch`) and any safe facts (`currentVersion`). */
export type ConflictDetail = { reason: string; field?: string; [fact: string]: unknown };

/** 409 RESOURCE_CONFLICT; every option that is not an AppError option goes to `details[0]`. */
export class ConflictError extends AppError {
  override name = "ConflictError";
  constructor(options: OptionsWithoutDetails & ConflictDetail) {
    const { message, hint, cause, headers, ...detail } = options;
    super("RESOURCE_CONFLICT", { message, hint, cause, headers, details: [detail] });
  }
}

/** The detail of a precondition: the field it is about (`If-Match`) and any safe facts (`currentEtag`). */
export type PreconditionDetail = { field?: string; [fact: string]: unknown };

/** AppError options of a precondition error: `field` (default `If-Match`) and facts to `details[0]`. */
function preconditionOptions(options: OptionsWithoutDetails & PreconditionDetail) {
  const { message, hint, cause, headers, field = "If-Match", ...facts } = options;
  return { message, hint, cause, headers, details: [{ field, ...facts }] };
}

/**
 * 412 PRECONDITION_FAILED: the request's precondition (RFC 9110 §13.1) is false. `field`
 * (default `If-Match`) and every option that is not an AppError option go to `details[0]`.
 */
export class PreconditionFailedError extends AppError {
  override name = "PreconditionFailedError";
  constructor(options: OptionsWithoutDetails & PreconditionDetail = {}) {
    super("PRECONDITION_FAILED", preconditionOptions(options));
  }
}

/**
 * 428 PRECONDITION_REQUIRED (RFC 6585 §3): the route only takes conditional requests. `field`
 * (default `If-Match`) and every option that is not an AppError option go to `details[0]`.
 */
export class PreconditionRequiredError extends AppError {
  override name = "PreconditionRequiredError";
  constructor(options: OptionsWithoutDetails & PreconditionDetail = {}) {
    super("PRECONDITION_REQUIRED", preconditionOptions(options));
  }
}

/** 413 PAYLOAD_TOO_LARGE; the limit goes to `details[].maxBytes`. */
export class PayloadTooLargeError extends AppError {
  override name = "PayloadTooLargeError";
  constructor(options: OptionsWithoutDetails & { maxBytes: number }) {
    const { maxBytes, ...rest } = options;
    super("PAYLOAD_TOO_LARGE", { ...rest, details: [{ type: "body", maxBytes }] });
  }
}

/** 415 UNSUPPORTED_MEDIA_TYPE; the accepted type goes to `details[].expected`. */
export class UnsupportedMediaTypeError extends AppError {
  override name = "UnsupportedMediaTypeError";
  constructor(options: OptionsWithoutDetails & { expected?: string } = {}) {
    const { expected = "application/json", ...rest } = options;
    super("UNSUPPORTED_MEDIA_TYPE", {
      ...rest,
      details: [{ type: "header", name: "content-type", expected }],
    });
  }
}

/** 429 RATE_LIMITED, retryable, with `Retry-After`. */
export class RateLimitedError extends AppError {
  override name = "RateLimitedError";
  readonly retryAfterSeconds: number;
  constructor(options: AppErrorOptions & { retryAfterSeconds: number }) {
    const { retryAfterSeconds, headers, ...rest } = options;
    super("RATE_LIMITED", {
      ...rest,
      headers: { ...headers, "Retry-After": retryAfterHeader(retryAfterSeconds) },
    });
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export interface DependencyErrorOptions extends OptionsWithoutDetails {
  /** A logical name (`database`, `auth`): never a host, port or URL. */
  dependency: string;
  /**
   * How long the dependency will not be back: its Retry-After, or its breaker's remaining open
   * time. @default 1, when nothing says (`retryAfterKnown` is then false)
   */
  retryAfterSeconds?: number;
  /**
   * The caller's deadline ran out before the dependency could answer, and nothing says the
   * dependency failed: the 503 stands, but no metric blames the dependency. @default false
   */
  deadlineExceeded?: boolean;
}

/** 503 SERVICE_UNAVAILABLE, retryable: a dependency failed; details `[{ type: "dependency", name }]`. */
export class DependencyError extends AppError {
  override name = "DependencyError";
  readonly dependency: string;
  readonly retryAfterSeconds: number;
  /** Whether `retryAfterSeconds` was given (the dependency said), not the default. */
  readonly retryAfterKnown: boolean;
  readonly deadlineExceeded: boolean;
  constructor(options: DependencyErrorOptions) {
    const {
      dependency,
      retryAfterSeconds = 1,
      deadlineExceeded = false,
      headers,
      ...rest
    } = options;
    super("SERVICE_UNAVAILABLE", {
      message: `dependency ${dependency} unavailable`,
      ...rest,
      details: [{ type: "dependency", name: dependency }],
      headers: { ...headers, "Retry-After": retryAfterHeader(retryAfterSeconds) },
    });
    this.dependency = dependency;
    this.retryAfterSeconds = retryAfterSeconds;
    this.retryAfterKnown = options.retryAfterSeconds !== undefined;
    this.deadlineExceeded = deadlineExceeded;
  }
}
