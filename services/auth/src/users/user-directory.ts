import { randomBytes } from "node:crypto";
import {
  DEFAULT_SCRYPT_COST,
  hashPassword,
  type ScryptCost,
  verifyPassword,
} from "./password-hash.ts";
import type { User, UserSeed } from "./user.ts";

export interface UserDirectory {
  findById(id: string): User | undefined;
  /** The user when the password matches; undefined for a wrong password or an unknown user alike. */
  authenticate(username: string, password: string): Promise<User | undefined>;
}

/** Usernames are matched case-insensitively, here and in the per-username rate limit. */
export function normalizeUsername(username: string): string {
  return username.normalize("NFKC").toLowerCase();
}

/** An in-memory directory whose seed passwords are hashed with scrypt at start-up. */
export async function createUserDirectory(
  seeds: readonly UserSeed[],
  cost: ScryptCost = DEFAULT_SCRYPT_COST,
): Promise<UserDirectory> {
  const byUsername = new Map<string, { user: User; passwordHash: string }>();
  const byId = new Map<string, User>();
  // Unknown usernames are checked against a hash of a password nobody knows, so that they cost
  // the same scrypt work as a wrong password and response times do not enumerate users. All
  // hashed at once: scrypt runs on libuv's pool, and one after the other would double start-up.
  const [dummyHash = "", ...hashes] = await Promise.all([
    hashPassword(randomBytes(32).toString("base64"), cost),
    ...seeds.map(({ password }) => hashPassword(password, cost)),
  ]);
  for (const [index, { password: _password, ...user }] of seeds.entries()) {
    byUsername.set(normalizeUsername(user.username), { user, passwordHash: hashes[index] ?? "" });
    byId.set(user.id, user);
  }

  return {
    findById: (id) => byId.get(id),
    async authenticate(username, password) {
      const entry = byUsername.get(normalizeUsername(username));
      const matches = await verifyPassword(password, entry?.passwordHash ?? dummyHash);
      return entry && matches ? entry.user : undefined;
    },
  };
}
