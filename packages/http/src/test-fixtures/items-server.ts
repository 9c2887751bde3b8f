import { setTimeout as sleep } from "node:timers/promises";
import { Hono } from "hono";
import { requestContext, routeName, startHttpServer } from "../index.ts";

// Started by @tracemesh/telemetry's preload.process.test.ts as `node --import <preload>
// items-server.ts`: the smallest service shape (requestContext + routeName + startHttpServer) to
// observe real spans and metrics.

const app = new Hono();
app.use(requestContext(), routeName());
app.get("/items/:id", (c) => c.json({ id: c.req.param("id"), traceId: c.var.traceId }));
app.get("/health/live", (c) => c.json({ status: "ok" }));
app.get("/slow", async (c) => {
  process.stdout.write(`${JSON.stringify({ event: "fixture.slow_started" })}\n`);
  await sleep(Number(c.req.query("ms") ?? "1000"));
  return c.json({ done: true });
});

await startHttpServer({
  app,
  port: 0,
  hostname: "127.0.0.1",
  onShutdown: () => {
    process.stdout.write(`${JSON.stringify({ event: "fixture.on_shutdown" })}\n`);
  },
});
