import { setTimeout as sleep } from "node:timers/promises";
import type { Mesh, ServiceProcess } from "@tracemesh/mesh";
import { type CollectedMemory, collectGarbage } from "./full-gc.ts";
import { runLoad } from "./http-load.ts";
import { residentMemory } from "./process-memory.ts";

/** A service's memory at one moment: as found, then once its garbage is collected. */
export interface MemoryReading {
  rssMiB: number | undefined;
  collected: CollectedMemory | undefined;
}

export interface MemoryGrowthResult {
  service: string;
  idle: MemoryReading;
  /** After a warm-up tenth of the requests. */
  warm: MemoryReading;
  after: MemoryReading;
  requests: number;
}

// Right after a load the span processor still holds a backlog of spans (about 10 MiB in
// todo-api, gone 7 s later) that it exports batch by batch, every OTEL_BSP_SCHEDULE_DELAY
// (500 ms in a mesh) and as fast as the trace sink takes them: each reading waits a few
// seconds, so that it shows what the service keeps, not what it is about to send.
const SPAN_EXPORT_SETTLED_MS = 3_000;

async function readMemory(service: ServiceProcess | undefined): Promise<MemoryReading> {
  const rssMiB = (await residentMemory(service?.pid))?.rssMiB;
  const collected = service === undefined ? undefined : await collectGarbage(service);
  return { rssMiB, collected };
}

/**
 * todo-api's and auth's memory idle, after a warm-up, and after `requests` more reads of one
 * todo (each one an auth call and a query): a leak shows as growth after the warm-up of what
 * they hold once their garbage is collected. The mesh's services run with `--inspect-port=0`.
 */
export async function measureMemoryGrowth(
  mesh: Mesh,
  token: string,
  todoId: string,
  options: { requests: number; connections: number },
): Promise<MemoryGrowthResult[]> {
  const services = (["todo-api", "auth"] as const).map((name) => mesh.services[name]);
  const read = async () => {
    await sleep(SPAN_EXPORT_SETTLED_MS);
    const readings: MemoryReading[] = [];
    for (const service of services) readings.push(await readMemory(service));
    return readings;
  };
  const target = {
    url: `${mesh.urls["todo-api"]}/v1/todos/${todoId}`,
    headers: { authorization: `Bearer ${token}` },
  };
  const idle = await read();
  await runLoad(target, {
    connections: options.connections,
    amount: Math.ceil(options.requests / 10),
  });
  const warm = await read();
  await runLoad(target, { connections: options.connections, amount: options.requests });
  const after = await read();
  return services.map((service, i) => ({
    service: service?.name ?? "?",
    idle: idle[i] as MemoryReading,
    warm: warm[i] as MemoryReading,
    after: after[i] as MemoryReading,
    requests: options.requests,
  }));
}
