import type { Logger } from "@tracemesh/logger";
import type { Config } from "../config.ts";
import type { SqlClient } from "./sql-client.ts";

type DatabaseConfig = Pick<
  Config,
  "databaseUrl" | "dataDir" | "databaseConnectTimeoutMs" | "databaseStatementTimeoutMs"
>;

/**
 * PostgreSQL when DATABASE_URL is set, embedded PGlite in DATA_DIR otherwise. Each client is
 * imported only when chosen: PGlite's module alone is some 10 MiB of a process on PostgreSQL.
 */
export async function openDatabase(config: DatabaseConfig, logger: Logger): Promise<SqlClient> {
  if (config.databaseUrl === undefined) {
    logger.info("database.embedded", { engine: "pglite", dataDir: config.dataDir });
    const { createPgliteClient } = await import("./pglite-client.ts");
    return createPgliteClient({
      dataDir: config.dataDir,
      onAutovacuumFailure: ({ table, work, error }) =>
        logger.warn("database.autovacuum_failed", { table, work, error }),
    });
  }
  // Never log the URL: it may carry a password.
  logger.info("database.external", { engine: "postgresql" });
  const { createPgClient } = await import("./pg-client.ts");
  return createPgClient({
    connectionString: config.databaseUrl,
    connectTimeoutMs: config.databaseConnectTimeoutMs,
    statementTimeoutMs: config.databaseStatementTimeoutMs,
    onIdleError: (error) => logger.warn("database.idle_connection_failed", { error }),
  });
}
