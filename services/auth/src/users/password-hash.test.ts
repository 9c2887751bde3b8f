import { describe, expect, test } from "vitest";
import { TEST_SCRYPT_COST } from "../testing.ts";
import { hashPassword, verifyPassword } from "./password-hash.ts";

describe("hashPassword / verifyPassword", () => {
  test("a hash verifies its own password and no other", async () => {
    const hash = await hashPassword("correct horse", TEST_SCRYPT_COST);
    expect(hash).toMatch(/^\$scrypt\$ln=10,r=8,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/);
    expect(await verifyPassword("correct horse", hash)).toBe(true);
    expect(await verifyPassword("correct horsE", hash)).toBe(false);
    expect(await verifyPassword("", hash)).toBe(false);
  });

  test("each hash has its own random salt", async () => {
    const [first, second] = await Promise.all([
      hashPassword("same", TEST_SCRYPT_COST),
      hashPassword("same", TEST_SCRYPT_COST),
    ]);
    expect(first).not.toBe(second);
    expect(await verifyPassword("same", second)).toBe(true);
  });

  test("the cost travels in the hash, so old hashes verify after the default changes", async () => {
    const cheap = await hashPassword("pw", { logN: 4, r: 1, p: 1 });
    expect(cheap.startsWith("$scrypt$ln=4,r=1,p=1$")).toBe(true);
    expect(await verifyPassword("pw", cheap)).toBe(true);
  });

  test("a malformed hash never matches", async () => {
    for (const bad of ["", "plain", "$scrypt$ln=10,r=8,p=1$c2FsdA$", "$bcrypt$x$y$z"]) {
      expect(await verifyPassword("pw", bad)).toBe(false);
    }
  });

  test("visually identical Unicode spellings are one password (NFKC)", async () => {
    const hash = await hashPassword("caf\u00e9", TEST_SCRYPT_COST);
    expect(await verifyPassword("cafe\u0301", hash)).toBe(true);
  });
});
