import { once } from "node:events";
import { createServer } from "node:net";
import { expect, test } from "vitest";
import { freePort } from "./free-port.ts";

test("freePort gives a port a server can listen on at once", async () => {
  const port = await freePort();
  expect(port).toBeGreaterThan(0);
  const server = createServer().listen(port, "127.0.0.1");
  await once(server, "listening");
  server.close();
});
