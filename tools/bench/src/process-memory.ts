import { readFile } from "node:fs/promises";

/**
 * A process's resident memory in MiB, from /proc (Linux): all of it (`VmRSS`), or only the part
 * mapped from files (`RssFile`), most of it Node's own binary; undefined when it cannot be read.
 */
export async function residentMiB(
  pid: number | undefined,
  part: "all" | "files" = "all",
): Promise<number | undefined> {
  if (pid === undefined) return undefined;
  const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
  const field = part === "all" ? "VmRSS" : "RssFile";
  const kib = Number(new RegExp(`^${field}:\\s+(\\d+) kB$`, "m").exec(status)?.[1]);
  return Number.isFinite(kib) ? kib / 1024 : undefined;
}
