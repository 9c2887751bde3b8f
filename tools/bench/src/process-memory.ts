import { readFile } from "node:fs/promises";

/** A process's resident memory, in MiB, from /proc (Linux); undefined when it cannot be read. */
export async function residentMiB(pid: number | undefined): Promise<number | undefined> {
  if (pid === undefined) return undefined;
  const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
  const kib = Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1]);
  return Number.isFinite(kib) ? kib / 1024 : undefined;
}
