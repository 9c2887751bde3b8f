/** Roles the authorization policy knows; see `authorization/policy.ts`. */
export const ROLES = ["user", "viewer"] as const;
export type Role = (typeof ROLES)[number];

/** A user as other services see it: never carries the password hash. */
export interface User {
  /** Stable, opaque subject id: the JWT `sub` and the owner id todo-api stores. */
  id: string;
  username: string;
  displayName: string;
  email: string;
  roles: readonly Role[];
}

/** What the directory is seeded with: a user and the password to hash at start-up. */
export interface UserSeed extends User {
  password: string;
}
