import type { ErrorHandler } from "hono";
import { toErrorResponse } from "./error-response.ts";

/**
 * `app.onError(onError)`: every thrown error answered in the contract. Hono has already set
 * `c.error`, which the access log uses to write the stack server-side.
 */
export const onError: ErrorHandler = function onError(error, c) {
  return toErrorResponse(c, error);
};
