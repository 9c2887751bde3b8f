// For other packages' tests: auth's demo users and keys as auth itself makes them, so that a
// test stand-in for auth cannot drift from the real one.
import { generateSigningKey, importSigningKey, type SigningKey } from "./tokens/signing-key.ts";
import type { TokenSettings } from "./tokens/token-settings.ts";
import { DEMO_USERS } from "./users/demo-users.ts";
import type { ScryptCost } from "./users/password-hash.ts";
import type { User } from "./users/user.ts";
import { createUserDirectory, type UserDirectory } from "./users/user-directory.ts";

export { generateSigningKey, importSigningKey, type SigningKey };

/** Cheap scrypt for tests: the code path is the same, only N is smaller. */
export const TEST_SCRYPT_COST: ScryptCost = { logN: 10, r: 8, p: 1 };

/** What auth's token checks expect by default (TOKEN_ISSUER, TOKEN_AUDIENCE…), with a short TTL. */
export const TEST_TOKENS: TokenSettings = {
  issuer: "tracemesh-auth",
  audience: "tracemesh",
  ttlSeconds: 300,
  clockSkewSeconds: 60,
};

export type DemoUsername = "alice" | "bob" | "carol";

/** A demo user as other services see it (no password). */
export function demoUser(username: DemoUsername): User {
  const seed = DEMO_USERS.find((user) => user.username === username);
  if (seed === undefined) throw new Error(`no demo user ${username}`);
  const { password: _password, ...user } = seed;
  return user;
}

/** auth's own directory of the demo users, hashed with TEST_SCRYPT_COST. */
export function createDemoDirectory(): Promise<UserDirectory> {
  return createUserDirectory(DEMO_USERS, TEST_SCRYPT_COST);
}
