import { fileURLToPath } from "node:url";
import { type NodeProcess, startNodeProcess } from "@tracemesh/testing";

// What `--import @tracemesh/telemetry/preload` loads, as the services run.
export const PRELOAD_PATH = fileURLToPath(new URL("../preload-entry.mjs", import.meta.url));
// @tracemesh/http's fixture, by the repository's layout rather than an import: http depends on
// this package, and a devDependency back would be a cycle pnpm warns about at every install.
const ITEMS_SERVER_PATH = fileURLToPath(
  new URL("../../../http/src/test-fixtures/items-server.ts", import.meta.url),
);

export interface FixtureProcess extends NodeProcess {
  /** The app's port, from its `server.listening` line. */
  port: number;
  baseUrl: string;
}

/** Starts test-fixtures/items-server.ts with the telemetry preload, as services run. */
export async function startItemsServer(env: Record<string, string>): Promise<FixtureProcess> {
  const fixture = startNodeProcess(["--import", PRELOAD_PATH, ITEMS_SERVER_PATH], {
    env,
    name: "items-server",
  });
  const listening = await fixture.waitForLine("server.listening");
  const port = Number(listening.port);
  return { ...fixture, port, baseUrl: `http://127.0.0.1:${port}` };
}
