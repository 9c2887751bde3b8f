import { ERROR_CATALOG, type ErrorCode } from "./catalog.ts";

/**
 * One structured entry of an error body's `details`: a failing field
 * (`{ field, issue, ...constraint }`) or a named thing (`{ type: "dependency", name }`).
 */
export interface ErrorDetail {
  field?: string;
  issue?: string;
  type?: string;
  name?: string;
  [key: string]: unknown;
}

export interface AppErrorOptions {
  /** Server-side only (logs, spans): clients always get the catalog's localized message. */
  message?: string;
  details?: readonly ErrorDetail[];
  /** A short, client-facing suggestion; never implementation detail. */
  hint?: string;
  cause?: unknown;
  /** Response headers this error needs, e.g. `Retry-After` or `Allow`. */
  headers?: Readonly<Record<string, string>>;
}

/** An error the contract knows: its code decides status, retryable and message. */
export class AppError extends Error {
  override name = "AppError";
  readonly code: ErrorCode;
  readonly details?: readonly ErrorDetail[];
  readonly hint?: string;
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: ErrorCode, options: AppErrorOptions = {}) {
    const message = options.message ?? ERROR_CATALOG[code].messages.en;
    const stackTraceLimit = Error.stackTraceLimit;
    if (!stackIsRead(code, options.cause)) Error.stackTraceLimit = 0;
    super(message, { cause: options.cause });
    Error.stackTraceLimit = stackTraceLimit;
    this.code = code;
    if (options.details !== undefined && options.details.length > 0) this.details = options.details;
    if (options.hint !== undefined) this.hint = options.hint;
    this.headers = options.headers ?? {};
  }

  /** The HTTP status of this error's code. */
  get status(): number {
    return ERROR_CATALOG[this.code].status;
  }
}

/**
 * Whether anyone reads this error's own stack. Logs keep stacks for 5xx only, and spans record
 * 5xx only; an INTERNAL_ERROR that wraps a thrown Error is logged and recorded as that Error,
 * whose stack says where it failed. Capturing a stack costs microseconds on every 400 and 404
 * (more under a deep chain of async middleware), so a client's error and such a wrapper go
 * without: their `stack` is the header line alone.
 */
function stackIsRead(code: ErrorCode, cause: unknown): boolean {
  if (ERROR_CATALOG[code].status < 500) return false;
  return !(code === "INTERNAL_ERROR" && cause instanceof Error);
}

/** Whole seconds for `Retry-After` from a wait in ms: rounded up, at least 1, so clients never spin on 0. */
export function toRetryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

/** The `Retry-After` value of a wait in seconds (1 when none is known). */
export function retryAfterHeader(seconds: number | undefined): string {
  const known = seconds !== undefined && Number.isFinite(seconds);
  return String(toRetryAfterSeconds(known ? seconds * 1000 : 0));
}
