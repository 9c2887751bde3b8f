import type { Mesh } from "@tracemesh/mesh";
import { runLoad } from "./http-load.ts";
import { residentMiB } from "./process-memory.ts";

export interface MemoryGrowthResult {
  service: string;
  idleMiB: number | undefined;
  /** After a warm-up tenth of the requests. */
  warmMiB: number | undefined;
  afterMiB: number | undefined;
  requests: number;
}

/**
 * todo-api's and auth's memory idle, after a warm-up, and after `requests` more reads of one
 * todo (each one an auth call and a query): a leak shows as growth after the warm-up.
 */
export async function measureMemoryGrowth(
  mesh: Mesh,
  token: string,
  todoId: string,
  options: { requests: number; connections: number },
): Promise<MemoryGrowthResult[]> {
  const services = (["todo-api", "auth"] as const).map((name) => mesh.services[name]);
  const read = async () => Promise.all(services.map((s) => residentMiB(s?.pid)));
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
    idleMiB: idle[i],
    warmMiB: warm[i],
    afterMiB: after[i],
    requests: options.requests,
  }));
}
