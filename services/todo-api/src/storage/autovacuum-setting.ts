import type { Logger } from "@tracemesh/logger";
import type { SqlClient } from "./sql-client.ts";

/**
 * Warns (`database.autovacuum_off`) when the PostgreSQL server runs without autovacuum, and
 * resolves to whether it did. Every outbox row is updated twice and then deleted, so without
 * it the table keeps every dead row, and no table is ever analyzed: the planner's statistics
 * stay those of an empty database, and a large backlog or a long list of todos is read by
 * plans made for a handful of rows. Someone has to run `VACUUM ANALYZE` instead. (PGlite has no
 * autovacuum either: its client does the work itself, pglite-autovacuum.ts.) A server that
 * cannot say is not warned about: this is advice, not a reason to stop.
 */
export async function warnWithoutAutovacuum(client: SqlClient, logger: Logger): Promise<boolean> {
  const result = await client
    .query<{ setting: string }>("SELECT current_setting('autovacuum') AS setting")
    .catch(() => undefined);
  if (result?.rows[0]?.setting !== "off") return false;
  logger.warn("database.autovacuum_off", {
    effect: "dead outbox rows pile up and the planner's statistics go stale",
    remedy: "turn autovacuum on, or run VACUUM ANALYZE on todos and outbox regularly",
  });
  return true;
}
