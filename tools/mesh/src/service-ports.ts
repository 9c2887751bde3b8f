import { inUse } from "./local-port.ts";
import type { MeshPorts } from "./start-mesh.ts";

/**
 * Rejects, naming each, when a service's port or its metrics port is taken: the service would
 * fail to start, and its ready check would get its answer from whatever listens there (another
 * `pnpm demo`, compose, or a service started by hand). `startMesh` checks first; call it sooner
 * to check before touching anything else, as `pnpm demo` does before it empties its data
 * directory.
 */
export async function assertServicePortsFree(ports: MeshPorts): Promise<void> {
  const wanted: [string, number][] = [
    ["todo-api", ports.todoApi],
    ["todo-api metrics", ports.todoApiMetrics],
    ["auth", ports.auth],
    ["auth metrics", ports.authMetrics],
    ["notifier", ports.notifier],
    ["notifier metrics", ports.notifierMetrics],
  ];
  const taken: string[] = [];
  for (const [what, port] of wanted) {
    if (await inUse(port)) taken.push(`${port} (${what})`);
  }
  if (taken.length > 0) {
    throw new Error(
      `${taken.length === 1 ? "port" : "ports"} ${taken.join(", ")} in use: another pnpm demo, docker compose, or a service started by hand still runs; stop it first`,
    );
  }
}
