import { NotFoundError } from "@tracemesh/errors";
import type { Context, MiddlewareHandler } from "hono";
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

/**
 * The resource auth is asked about for `/:id` routes: `todos/<id>`. A malformed id is asked
 * about as `todos`, so the caller is still authenticated first and then gets the same 404
 * as for any id that does not exist; auth is never handed what it would refuse as input.
 */
export function todoResource(c: Context): string {
  const id = c.req.param("id") ?? "";
  return isUuid(id) ? `todos/${id}` : "todos";
}
