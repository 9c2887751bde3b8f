import type { ServiceProcess } from "@tracemesh/mesh";
import { residentMemory } from "./process-memory.ts";

/** What a process holds on to once garbage is collected. */
export interface CollectedMemory {
  rssMiB: number | undefined;
  /** The V8 heap still in use: live objects only. */
  liveHeapMiB: number;
}

const LISTENING = /^Debugger listening on (ws:\/\/\S+)/;

/** The inspector URL it printed last, once opened; remembered, as its log only grows. */
const opened = new WeakMap<ServiceProcess, string>();

function inspectorUrl(service: ServiceProcess): string | undefined {
  const known = opened.get(service);
  if (known !== undefined) return known;
  const line = service
    .logs()
    .findLast((each) => typeof each.text === "string" && LISTENING.test(each.text));
  const url = LISTENING.exec(String(line?.text ?? ""))?.[1];
  if (url !== undefined) opened.set(service, url);
  return url;
}

/**
 * Opens the service's inspector (SIGUSR1, on the port `--inspect-port=0` gave it), unless it is
 * open already, and waits for the URL it prints.
 */
async function openInspector(service: ServiceProcess, timeoutMs = 5_000): Promise<string> {
  const open = inspectorUrl(service);
  if (open !== undefined) return open;
  if (service.pid === undefined) throw new Error(`${service.name} has no process`);
  process.kill(service.pid, "SIGUSR1");
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const url = inspectorUrl(service);
    if (url !== undefined) return url;
  }
  throw new Error(`${service.name}'s inspector did not open (started with --inspect-port=0?)`);
}

// The first full GC after a load can leave megabytes that the next one frees (seen: auth at
// 31.6 MiB, then 19.2, 19.2, 19.2), as V8 lets go of some things only over more than one
// collection: the lowest of a few is what the service really keeps, and what a leak raises.
const COLLECTIONS = 3;

/**
 * Has the service collect all its garbage (full GCs through its inspector, the lowest reading of
 * three), then reads its live heap and resident memory. V8 collects lazily on a machine with
 * memory to spare, so resident memory as found grows under load without any leak: this is the
 * reading that a leak moves. The service must run with `--inspect-port=0` (NODE_OPTIONS).
 */
export async function collectGarbage(service: ServiceProcess): Promise<CollectedMemory> {
  const socket = new WebSocket(await openInspector(service));
  await new Promise((resolve, reject) => {
    socket.addEventListener("open", resolve, { once: true });
    socket.addEventListener("error", reject, { once: true });
  });
  let lastId = 0;
  const call = (method: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const id = ++lastId;
      const onMessage = (event: MessageEvent) => {
        const message = JSON.parse(String(event.data)) as {
          id?: number;
          result?: Record<string, unknown>;
          error?: { message: string };
        };
        if (message.id !== id) return;
        socket.removeEventListener("message", onMessage);
        if (message.error) reject(new Error(`${method}: ${message.error.message}`));
        else resolve(message.result ?? {});
      };
      socket.addEventListener("message", onMessage);
      socket.send(JSON.stringify({ id, method }));
    });
  try {
    let liveBytes = Number.POSITIVE_INFINITY;
    for (let each = 0; each < COLLECTIONS; each++) {
      await call("HeapProfiler.collectGarbage");
      const usage = await call("Runtime.getHeapUsage");
      liveBytes = Math.min(liveBytes, Number(usage.usedSize));
    }
    return {
      rssMiB: (await residentMemory(service.pid))?.rssMiB,
      liveHeapMiB: liveBytes / 2 ** 20,
    };
  } finally {
    socket.close();
  }
}
