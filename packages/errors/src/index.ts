export {
  AppError,
  type AppErrorOptions,
  type ErrorDetail,
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
export { type ErrorBody, PROBLEM_TYPE_PREFIX, type ProblemDetails } from "./error-body.ts";
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
export { type ErrorTarget, toErrorResponse } from "./error-response.ts";
export { renderErrorsDoc } from "./errors-doc.ts";
export { type JsonBodyOptions, jsonBody } from "./json-body.ts";
export { negotiateLanguage } from "./negotiation.ts";
export { type NotFoundOptions, notFound } from "./not-found.ts";
export { onError } from "./on-error.ts";
export { rejectionResponse } from "./rejection-response.ts";
export { codeForStatus } from "./status-codes.ts";
export { noControlCharacters } from "./text-checks.ts";
export { validate } from "./validate.ts";
export { VALIDATION_ISSUES, type ValidationIssue } from "./validation-issues.ts";
