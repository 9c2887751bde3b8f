import { setTimeout as sleep } from "node:timers/promises";
import { parseEnv } from "@tracemesh/config";
import { createLogger } from "@tracemesh/logger";
import * as v from "valibot";
import { startHttpServer } from "../http-server.ts";
import { createServiceApp } from "../service-app.ts";
import { shutdownEnvEntries, shutdownSettings } from "../shutdown-config.ts";

// Started by graceful-shutdown.process.test.ts: a service's shape (createServiceApp, a readiness
// route, startHttpServer with SHUTDOWN_* from the env) and a route that waits a little, as a
// query does, so that requests are in flight whenever the signal comes.

const logger = createLogger({ service: "fixture" });
const app = createServiceApp({ logger, requestBudgetMs: 5_000 });
app.get("/health/ready", (c) => c.json({ status: "ok" }));
app.get("/work", async (c) => {
  await sleep(5);
  return c.json({ done: true });
});

const running = await startHttpServer({
  app,
  port: 0,
  hostname: "127.0.0.1",
  logger,
  ...shutdownSettings(parseEnv(v.object(shutdownEnvEntries), process.env)),
});
process.stdout.write(`${JSON.stringify({ event: "fixture.listening", port: running.port })}\n`);
