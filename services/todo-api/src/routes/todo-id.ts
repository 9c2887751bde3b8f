import { NotFoundError } from "@tracemesh/errors";
import type { MiddlewareHandler } from "hono";
import { isUuid } from "../storage/todo.ts";

/**
 * Answers 404 RESOURCE_NOT_FOUND for an `:id` that is not a UUID, before any validation of
 * the body: a malformed id is just another id that does not exist, so ids cannot be probed.
 */
export function todoIdParam(): MiddlewareHandler {
  return async function todoIdParamMiddleware(c, next) {
    if (!isUuid(c.req.param("id") ?? "")) throw new NotFoundError({ message: "malformed todo id" });
    await next();
  };
}
