import { once } from "node:events";
import { createServer } from "node:net";

/**
 * A local TCP port that was free a moment ago: for a server that refuses port 0 (the telemetry
 * preload's Prometheus exporter) and for an address where nothing listens. Tests run in
 * parallel: never a fixed port.
 */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  server.close();
  await once(server, "close");
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}
