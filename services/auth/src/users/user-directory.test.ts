import { beforeEach, describe, expect, test, vi } from "vitest";
import { TEST_SCRYPT_COST } from "../testing.ts";
import { DEMO_USERS } from "./demo-users.ts";
import * as passwordHash from "./password-hash.ts";
import { createUserDirectory } from "./user-directory.ts";

vi.mock(import("./password-hash.ts"), { spy: true });

describe("createUserDirectory", () => {
  beforeEach(() => vi.mocked(passwordHash.verifyPassword).mockClear());

  test("authenticates a seeded user by username and password", async () => {
    const users = await createUserDirectory(DEMO_USERS, TEST_SCRYPT_COST);
    const alice = await users.authenticate("alice", "alice-demo-password");
    expect(alice).toMatchObject({ username: "alice", roles: ["user"] });
    expect(alice).not.toHaveProperty("password");
    expect(alice).not.toHaveProperty("passwordHash");
    expect(await users.authenticate("ALICE", "alice-demo-password")).toEqual(alice);
  });

  test("a wrong password and an unknown user both fail, each after one scrypt check", async () => {
    const users = await createUserDirectory(DEMO_USERS, TEST_SCRYPT_COST);
    const verify = vi.mocked(passwordHash.verifyPassword);

    expect(await users.authenticate("alice", "wrong")).toBeUndefined();
    expect(verify).toHaveBeenCalledTimes(1);
    const aliceHash = verify.mock.calls[0]?.[1];

    expect(await users.authenticate("mallory", "alice-demo-password")).toBeUndefined();
    expect(verify).toHaveBeenCalledTimes(2);
    const dummyHash = verify.mock.calls[1]?.[1];
    // Same scrypt cost for the dummy: the unknown user costs as much time as a wrong password.
    expect(dummyHash).not.toBe(aliceHash);
    expect(dummyHash?.split("$")[2]).toBe(aliceHash?.split("$")[2]);
  });

  test("finds users by id, never exposing the password", async () => {
    const users = await createUserDirectory(DEMO_USERS, TEST_SCRYPT_COST);
    const carol = DEMO_USERS[2];
    expect(users.findById(carol?.id ?? "")).toMatchObject({ username: "carol", roles: ["viewer"] });
    expect(users.findById(carol?.id ?? "")).not.toHaveProperty("password");
    expect(users.findById("nobody")).toBeUndefined();
  });
});
