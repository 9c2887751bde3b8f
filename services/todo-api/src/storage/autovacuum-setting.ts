import type { Logger } from "@tracemesh/logger";
import type { SqlExecutor } from "./sql-client.ts";

/**
 * Warns (`database.autovacuum_off`) when the PostgreSQL server runs without autovacuum, or
 * without the row counts it works from (`track_counts`), and resolves to whether it did. No
 * table is then ever analyzed: the planner guesses from table sizes alone and plans a large
 * backlog or a long list of todos as if it held a handful of rows. Nor vacuumed: every outbox
 * row is updated twice and then deleted, and the dead entries pile up in its indexes. Someone
 * has to run `VACUUM ANALYZE` instead. (PGlite has no autovacuum either: its client does the
 * work itself, pglite-autovacuum.ts.) A server that cannot say is not warned about: this is
 * advice, not a reason to stop.
 */
export async function warnWithoutAutovacuum(client: SqlExecutor, logger: Logger): Promise<boolean> {
  let settings: { autovacuum?: string; track_counts?: string } | undefined;
  try {
    const result = await client.query<{ autovacuum: string; track_counts: string }>(
      `SELECT current_setting('autovacuum') AS autovacuum,
              current_setting('track_counts') AS track_counts`,
    );
    settings = result.rows[0];
  } catch (error) {
    logger.debug("database.autovacuum_unknown", { error });
    return false;
  }
  const off = (["autovacuum", "track_counts"] as const).filter(
    (name) => settings?.[name] === "off",
  );
  if (off.length === 0) return false;
  logger.warn("database.autovacuum_off", {
    settings: off,
    effect: "tables are never analyzed or vacuumed: stale plans, dead outbox rows pile up",
    remedy: "turn autovacuum on, or run VACUUM ANALYZE on todos and outbox regularly",
  });
  return true;
}
