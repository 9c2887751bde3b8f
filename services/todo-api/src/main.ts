import { createChaosControls } from "@tracemesh/chaos";
import { DependencyError } from "@tracemesh/errors";
import { runService, startHttpServer } from "@tracemesh/http";
import { createLogger, type Logger } from "@tracemesh/logger";
import { createApp } from "./app.ts";
import { createAuthClient } from "./auth/auth-client.ts";
import { createAuthorizer } from "./auth/authorizer.ts";
import { createDecisionCache } from "./auth/decision-cache.ts";
import { type Config, loadConfig } from "./config.ts";
import { type EventRelay, startEventRelay } from "./events/event-relay.ts";
import { observeOutboxBacklog } from "./events/outbox-metrics.ts";
import { warnWithoutAutovacuum } from "./storage/autovacuum-setting.ts";
import { runMigrations } from "./storage/migrate.ts";
import { openDatabase } from "./storage/open-database.ts";
import { createSqlOutboxSource } from "./storage/outbox.ts";
import type { SqlClient } from "./storage/sql-client.ts";
import { createTodoStore } from "./storage/todo-store.ts";

const SERVICE = "todo-api";
const MIGRATION_ATTEMPTS = 10;

// A database that starts alongside the service (docker compose) may need a few seconds.
async function migrate(database: SqlClient, logger: Logger): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      const applied = await runMigrations(database);
      logger.info("database.migrated", { applied });
      return;
    } catch (error) {
      if (!(error instanceof DependencyError) || attempt === MIGRATION_ATTEMPTS) throw error;
      logger.warn("database.waiting", { attempt, of: MIGRATION_ATTEMPTS });
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

async function start(config: Config): Promise<void> {
  const logger = createLogger({ service: SERVICE, level: config.logLevel });
  let database: SqlClient | undefined;
  let relay: EventRelay | undefined;
  try {
    database = await openDatabase(config, logger);
    await migrate(database, logger);
    // PostgreSQL only: PGlite's client does autovacuum's work itself.
    if (config.databaseUrl !== undefined) await warnWithoutAutovacuum(database, logger);
    // Returns at once: with NATS down the events wait in the outbox until it is back.
    relay = startEventRelay({
      natsUrl: config.natsUrl,
      topology: config.topology,
      client: database,
      logger,
    });
    const outbox = createSqlOutboxSource(database);
    observeOutboxBacklog({
      backlog: (deadline) => outbox.backlog({ deadline }),
      onReadFailed: (error) => logger.warn("outbox.backlog_unreadable", { error }),
    });
    const authorizer = createAuthorizer({
      client: createAuthClient({ ...config.auth, logger }),
      cache: createDecisionCache({ ttlMs: config.decisionCacheTtlSeconds * 1000 }),
    });
    const app = createApp({
      store: createTodoStore(database, { subjectPrefix: config.topology.subjectPrefix }),
      database,
      natsConnected: relay.isConnected,
      logger,
      authorizer,
      requestBudgetMs: config.requestBudgetMs,
      chaos: config.chaos ? createChaosControls({ token: config.chaos.token, logger }) : undefined,
      requestBodyLimitBytes: config.requestBodyLimitBytes,
    });
    if (config.chaos) {
      const routes = config.chaos.token === undefined ? ["GET /error"] : ["GET /error", "/chaos"];
      logger.warn("chaos.enabled", { routes });
    }
    const [db, events] = [database, relay];
    await startHttpServer({
      app,
      port: config.port,
      logger,
      ...config.shutdown,
      // The relay finishes the batch it is publishing while the database is still open.
      async onShutdown() {
        await events.stop();
        await db.close();
      },
    });
  } catch (error) {
    await relay?.stop().catch(() => {});
    await database?.close().catch(() => {});
    throw error;
  }
}

await runService({ name: SERVICE, loadConfig, start });
