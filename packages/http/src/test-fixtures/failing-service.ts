import { ConfigError } from "@tracemesh/config";
import { runService } from "../run-service.ts";

// Started by run-service.process.test.ts: FAIL_AT says what fails, the config or the start.
// The start leaves a timer running, as a half-started service leaves a pool or a connection.

await runService({
  name: "fixture",
  loadConfig: () => {
    if (process.env.FAIL_AT === "config") throw new ConfigError("FIXTURE_PORT", "must be a port");
    return { port: 1 };
  },
  start: async () => {
    setInterval(() => {}, 60_000);
    throw new Error("listen EADDRINUSE: address already in use");
  },
});
