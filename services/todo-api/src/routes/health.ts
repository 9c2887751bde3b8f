import { Hono } from "hono";
import type { SqlClient } from "../storage/sql-client.ts";

export interface HealthRoutesOptions {
  database: Pick<SqlClient, "ping">;
}

/**
 * `/health/live`: the process answers. `/health/ready`: the database answers too; when it
 * does not, the ping's DependencyError becomes the contract's 503 (retryable, Retry-After).
 */
export function healthRoutes(options: HealthRoutesOptions): Hono {
  const { database } = options;
  return new Hono()
    .get("/live", function live(c) {
      return c.json({ status: "ok" });
    })
    .get("/ready", async function ready(c) {
      await database.ping();
      return c.json({ status: "ok", checks: { database: "ok" } });
    });
}
