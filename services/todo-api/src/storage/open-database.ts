import type { Logger } from "@tracemesh/logger";
import type { Config } from "../config.ts";
import { createPgClient } from "./pg-client.ts";
import { createPgliteClient } from "./pglite-client.ts";
import type { SqlClient } from "./sql-client.ts";

type DatabaseConfig = Pick<
  Config,
  "databaseUrl" | "dataDir" | "databaseConnectTimeoutMs" | "databaseStatementTimeoutMs"
>;

/** PostgreSQL when DATABASE_URL is set, embedded PGlite in DATA_DIR otherwise. */
export async function openDatabase(config: DatabaseConfig, logger: Logger): Promise<SqlClient> {
  if (config.databaseUrl === undefined) {
    logger.info("database.embedded", { engine: "pglite", dataDir: config.dataDir });
    return createPgliteClient({ dataDir: config.dataDir });
  }
  // Never log the URL: it may carry a password.
  logger.info("database.external", { engine: "postgresql" });
  return createPgClient({
    connectionString: config.databaseUrl,
    connectTimeoutMs: config.databaseConnectTimeoutMs,
    statementTimeoutMs: config.databaseStatementTimeoutMs,
    onIdleError: (error) => logger.warn("database.idle_connection_failed", { error }),
  });
}
