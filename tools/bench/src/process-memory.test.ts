import { describe, expect, test } from "vitest";
import { residentMemory } from "./process-memory.ts";

describe("residentMemory", () => {
  test("reads a process's resident memory, and the part of it mapped from files", async () => {
    const memory = await residentMemory(process.pid);
    expect(memory?.rssMiB).toBeGreaterThan(10);
    // node's own binary at least is mapped from a file.
    expect(memory?.fileMiB).toBeGreaterThan(1);
    expect(memory?.fileMiB).toBeLessThan(memory?.rssMiB ?? 0);
  });

  test("is undefined for a process that does not exist", async () => {
    expect(await residentMemory(2 ** 22 + 1)).toBeUndefined();
  });
});
