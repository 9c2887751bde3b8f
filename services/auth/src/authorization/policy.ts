import type { Role, User } from "../users/user.ts";

/**
 * The whole policy: what each role may do. Every grant is on the subject's own resources:
 * auth returns the subject id and todo-api scopes its queries to it, so another user's todo
 * stays RESOURCE_NOT_FOUND there. Anything not granted here is denied.
 */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly string[]>> = {
  user: ["todos:read", "todos:write", "todos:delete"],
  viewer: ["todos:read"],
};

export type Decision =
  | { allow: true }
  | { allow: false; reason: "action_not_granted" | "resource_outside_action" };

/** `todos:write` on `todos` or `todos/42`: the action's namespace is the resource's first segment. */
export function decide(user: User, action: string, resource: string): Decision {
  const namespace = action.split(":", 1)[0];
  if (resource.split("/", 1)[0] !== namespace) {
    return { allow: false, reason: "resource_outside_action" };
  }
  const granted = user.roles.some((role) => ROLE_PERMISSIONS[role].includes(action));
  return granted ? { allow: true } : { allow: false, reason: "action_not_granted" };
}
