import { serve } from "@hono/node-server";
import { createSinkApp } from "./app.ts";
import { type Config, parseConfig } from "./config.ts";
import { createSpanStore } from "./span-store.ts";

// No telemetry preload here: a sink that traced itself would feed its own spans back to itself.

function logLine(level: "info" | "fatal", event: string, fields: Record<string, unknown>): void {
  const line = {
    timestamp: new Date().toISOString(),
    level,
    service: "otlp-sink",
    event,
    ...fields,
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

let config: Config;
try {
  config = parseConfig(process.env);
} catch (error) {
  logLine("fatal", "config.invalid", { message: (error as Error).message });
  process.exit(1);
}

const store = createSpanStore({
  maxTraces: config.MAX_TRACES,
  maxSpansPerTrace: config.MAX_SPANS_PER_TRACE,
});
const app = createSinkApp(store, { maxBodyBytes: config.MAX_BODY_BYTES });

const server = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, (info) => {
  logLine("info", "sink.listening", {
    url: `http://${info.family === "IPv6" ? `[${info.address}]` : info.address}:${info.port}`,
    otlpEndpoint: "/v1/traces",
    queryApi: "/api/v3",
  });
});
server.on("error", (error) => {
  logLine("fatal", "sink.listen_failed", { message: error.message });
  process.exit(1);
});

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    server.close(() => process.exit(0));
    if ("closeAllConnections" in server) server.closeAllConnections();
  });
}
