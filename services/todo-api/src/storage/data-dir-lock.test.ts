import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { DataDirLockedError, lockDataDir } from "./data-dir-lock.ts";

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "todo-api-lock-"));
});
afterAll(() => rm(root, { recursive: true, force: true }));

async function alivePid(): Promise<{ pid: number; end(): Promise<void> }> {
  const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"]);
  await once(child, "spawn");
  return {
    pid: child.pid as number,
    async end() {
      child.kill("SIGKILL");
      await once(child, "exit");
    },
  };
}

test("a second lock on the same directory fails while the first is held", async () => {
  const dataDir = join(root, "held");
  const release = await lockDataDir(dataDir);
  expect(await readFile(`${dataDir}.lock`, "utf8")).toBe(String(process.pid));
  await expect(lockDataDir(dataDir)).rejects.toBeInstanceOf(DataDirLockedError);
  await release();
  await expect(stat(`${dataDir}.lock`)).rejects.toMatchObject({ code: "ENOENT" });
  const again = await lockDataDir(dataDir);
  await again();
});

test("a lock held by another live process is refused", async () => {
  const other = await alivePid();
  const dataDir = join(root, "other");
  await writeFile(`${dataDir}.lock`, String(other.pid));
  await expect(lockDataDir(dataDir)).rejects.toBeInstanceOf(DataDirLockedError);
  await other.end();
  // Once that process is gone, its lock is stale and taken over.
  const release = await lockDataDir(dataDir);
  expect(await readFile(`${dataDir}.lock`, "utf8")).toBe(String(process.pid));
  await release();
});

test("a lock naming this very process (a restarted container's pid 1) is stale", async () => {
  const dataDir = join(root, "restarted");
  await writeFile(`${dataDir}.lock`, String(process.pid));
  const release = await lockDataDir(dataDir);
  await release();
});
