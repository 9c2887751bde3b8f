import { Hono } from "hono";
import type { SqlClient } from "../storage/sql-client.ts";

export interface HealthRoutesOptions {
  database: Pick<SqlClient, "ping">;
  /** Whether the outbox relay reaches NATS now. @default none: no `nats` check reported */
  natsConnected?: () => boolean;
}

/**
 * `/health/live`: the process answers. `/health/ready`: the database answers too; when it does not,
 * the ping's DependencyError becomes the contract's 503 (retryable, Retry-After). NATS is reported
 * but never makes it unready: its events wait in the outbox (docs/architecture.md#the-queue-hop).
 */
export function healthRoutes(options: HealthRoutesOptions): Hono {
  const { database, natsConnected } = options;
  return new Hono()
    .get("/live", function live(c) {
      return c.json({ status: "ok" });
    })
    .get("/ready", async function ready(c) {
      await database.ping({ deadline: c.var.deadline });
      if (natsConnected === undefined) return c.json({ status: "ok", checks: { database: "ok" } });
      const nats = natsConnected() ? "ok" : "unavailable";
      return c.json({ status: "ok", checks: { database: "ok", nats } });
    });
}
