import { NotFoundError } from "@tracemesh/errors";
import { requireBearerSecret, validate } from "@tracemesh/http";
import { Hono } from "hono";
import * as v from "valibot";
import type { UserDirectory } from "../users/user-directory.ts";

const UserParams = v.object({
  id: v.pipe(v.string(), v.maxLength(128), v.regex(/^[A-Za-z0-9._:-]+$/)),
});

export interface UsersRouteDeps {
  users: UserDirectory;
  /** The `SERVICE_TOKEN` callers must present; undefined refuses every call. */
  serviceToken: string | undefined;
}

/**
 * `GET /v1/users/:id`: the profile a notification needs, for other services only
 * (`Authorization: Bearer <SERVICE_TOKEN>`); 404 USER_NOT_FOUND for an unknown id (a wrong path is RESOURCE_NOT_FOUND).
 */
export function usersRoute(deps: UsersRouteDeps): Hono {
  const { users, serviceToken } = deps;
  return new Hono().get(
    "/v1/users/:id",
    requireBearerSecret({ secret: serviceToken }),
    validate("param", UserParams),
    function getUserProfile(c) {
      const user = users.findById(c.req.valid("param").id);
      if (!user) throw new NotFoundError({ code: "USER_NOT_FOUND", message: "unknown user id" });
      const { id, username, displayName, email } = user;
      return c.json({ id, username, displayName, email });
    },
  );
}
