export {
  AppError,
  type AppErrorOptions,
  type ErrorDetail,
  retryAfterHeader,
  toRetryAfterSeconds,
} from "./app-error.ts";
export {
  ERROR_CATALOG,
  ERROR_CODES,
  type ErrorCode,
  type ErrorDefinition,
  isErrorCode,
  LANGUAGES,
  type Language,
} from "./catalog.ts";
export {
  type ErrorBody,
  type ErrorOccurrence,
  errorBody,
  PROBLEM_TYPE_PREFIX,
  type ProblemDetails,
  problemDetails,
} from "./error-body.ts";
export {
  type ConflictDetail,
  ConflictError,
  DependencyError,
  type DependencyErrorOptions,
  ForbiddenError,
  InvalidParameterError,
  MethodNotAllowedError,
  type NotFoundCode,
  NotFoundError,
  PayloadTooLargeError,
  type PreconditionDetail,
  PreconditionFailedError,
  PreconditionRequiredError,
  RateLimitedError,
  RequestBodyInvalidError,
  type UnauthenticatedCode,
  UnauthenticatedError,
  UnsupportedMediaTypeError,
} from "./error-classes.ts";
export { renderErrorsDoc } from "./errors-doc.ts";
export { codeForStatus } from "./status-codes.ts";
export { VALIDATION_ISSUES, type ValidationIssue } from "./validation-issues.ts";
export { withoutStackTrace } from "./without-stack-trace.ts";
