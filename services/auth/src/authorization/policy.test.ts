import { describe, expect, test } from "vitest";
import type { User } from "../users/user.ts";
import { decide } from "./policy.ts";

const user = (roles: User["roles"]): User => ({
  id: "u1",
  username: "u",
  displayName: "U",
  email: "u@example.com",
  roles,
});

describe("decide", () => {
  test.each([
    ["user", "todos:read", "todos", true],
    ["user", "todos:write", "todos/42", true],
    ["user", "todos:delete", "todos/42", true],
    ["viewer", "todos:read", "todos/42", true],
    ["viewer", "todos:write", "todos", false],
    ["viewer", "todos:delete", "todos/42", false],
    ["user", "users:read", "users", false],
    ["user", "todos:admin", "todos", false],
  ] as const)("%s may %s on %s: %s", (role, action, resource, allow) => {
    expect(decide(user([role]), action, resource).allow).toBe(allow);
  });

  test("an action must name the resource's own namespace", () => {
    expect(decide(user(["user"]), "todos:read", "users/1")).toEqual({
      allow: false,
      reason: "resource_outside_action",
    });
  });

  test("a user without roles is denied everything", () => {
    expect(decide(user([]), "todos:read", "todos")).toEqual({
      allow: false,
      reason: "action_not_granted",
    });
  });
});
