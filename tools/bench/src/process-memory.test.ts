import { describe, expect, test } from "vitest";
import { residentMiB } from "./process-memory.ts";

describe("residentMiB", () => {
  test("reads a process's resident memory, and the part of it mapped from files", async () => {
    const all = await residentMiB(process.pid);
    const files = await residentMiB(process.pid, "files");
    expect(all).toBeGreaterThan(10);
    // node's own binary at least is mapped from a file.
    expect(files).toBeGreaterThan(1);
    expect(files).toBeLessThan(all ?? 0);
  });

  test("is undefined for a process that does not exist", async () => {
    expect(await residentMiB(2 ** 22 + 1)).toBeUndefined();
  });
});
