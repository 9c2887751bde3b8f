import { readFile } from "node:fs/promises";

/** A process's resident memory, MiB. */
export interface ResidentMemory {
  /** All of it (`VmRSS`). */
  rssMiB: number;
  /** The part mapped from files (`RssFile`), most of it Node's own binary. */
  fileMiB: number;
}

/** A process's resident memory from one read of /proc (Linux); undefined when it cannot be read. */
export async function residentMemory(pid: number | undefined): Promise<ResidentMemory | undefined> {
  if (pid === undefined) return undefined;
  const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
  const mib = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB$`, "m").exec(status)?.[1]) / 1024;
  const memory = { rssMiB: mib("VmRSS"), fileMiB: mib("RssFile") };
  return Number.isFinite(memory.rssMiB) && Number.isFinite(memory.fileMiB) ? memory : undefined;
}
