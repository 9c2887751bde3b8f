import { mkdir, open, readFile, unlink } from "node:fs/promises";
import { dirname, resolve } from "node:path";

/** Thrown when another live process already holds the data directory. */
export class DataDirLockedError extends Error {
  constructor(lockPath: string, pid: number) {
    super(`data directory is in use by process ${pid} (${lockPath})`);
    this.name = "DataDirLockedError";
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Lock files this process holds right now: our pid in any other file is a leftover. */
const held = new Set<string>();

async function tryCreate(lockPath: string): Promise<boolean> {
  try {
    const handle = await open(lockPath, "wx");
    await handle.writeFile(String(process.pid));
    await handle.close();
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
}

/**
 * Takes `<dataDir>.lock` for this process. PGlite has no postmaster to refuse a second
 * instance, and two processes writing one data directory corrupt it; a lock left by a
 * process that died is taken over. Resolves to the function that releases it.
 */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const lockPath = `${resolve(dataDir)}.lock`;
  await mkdir(dirname(lockPath), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    if (await tryCreate(lockPath)) {
      held.add(lockPath);
      return async () => {
        held.delete(lockPath);
        await unlink(lockPath).catch(() => {});
      };
    }
    const holder = Number.parseInt(await readFile(lockPath, "utf8").catch(() => ""), 10);
    if (holder === process.pid && held.has(lockPath))
      throw new DataDirLockedError(lockPath, holder);
    // Our own pid in a file we do not hold is a leftover: a restarted container is pid 1 again.
    if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isAlive(holder)) {
      throw new DataDirLockedError(lockPath, holder);
    }
    await unlink(lockPath).catch(() => {});
  }
  throw new Error(`could not lock the data directory (${lockPath})`);
}
