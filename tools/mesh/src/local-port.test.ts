import { once } from "node:events";
import { createServer, type Server } from "node:net";
import { afterEach, expect, test } from "vitest";
import { inUse, reservePort } from "./local-port.ts";

const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

async function listen(port: number, host?: string): Promise<void> {
  const server = createServer();
  servers.push(server);
  server.listen(port, host);
  await once(server, "listening");
}

test("a port nothing holds is not in use", async () => {
  expect(await inUse(await reservePort(0))).toBe(false);
});

test("a port held on 127.0.0.1, or on every address as the services listen, is in use", async () => {
  const loopback = await reservePort(0);
  await listen(loopback, "127.0.0.1");
  expect(await inUse(loopback)).toBe(true);

  const everywhere = await reservePort(0);
  await listen(everywhere);
  expect(await inUse(everywhere)).toBe(true);
});
