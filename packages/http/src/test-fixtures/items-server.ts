import { setTimeout as sleep } from "node:timers/promises";
import { hideUrlFromSpans } from "@tracemesh/telemetry";
import { Hono } from "hono";
import { requestContext, routeName, startHttpServer } from "../index.ts";

// Started by @tracemesh/telemetry's preload.process.test.ts as `node --import <preload>
// items-server.ts`: the smallest service shape (requestContext + routeName + startHttpServer) to
// observe real spans and metrics.

// Outgoing calls, for their client spans: GET /upstream/plain fetches FIXTURE_UPSTREAM_URL, and
// GET /upstream/hidden FIXTURE_HIDDEN_URL, a URL hidden from spans as the notifier hides its webhook's.
const upstreams = {
  plain: process.env.FIXTURE_UPSTREAM_URL,
  hidden: process.env.FIXTURE_HIDDEN_URL,
};
if (upstreams.hidden !== undefined) hideUrlFromSpans(upstreams.hidden);

const app = new Hono();
app.use(requestContext(), routeName());
app.get("/items/:id", (c) => c.json({ id: c.req.param("id"), traceId: c.var.traceId }));
app.get("/health/live", (c) => c.json({ status: "ok" }));
app.get("/upstream/:which{plain|hidden}", async (c) => {
  const url = upstreams[c.req.param("which") as keyof typeof upstreams];
  if (url === undefined) return c.json({ error: "no such upstream configured" }, 404);
  const response = await fetch(url);
  await response.body?.cancel();
  return c.json({ status: response.status });
});
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
