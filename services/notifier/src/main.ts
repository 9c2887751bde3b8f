import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { createChaosControls } from "@tracemesh/chaos";
import { createLogger, type Logger } from "@tracemesh/logger";
import { createDependencyClient } from "@tracemesh/resilience";
import { shutdownTelemetry, startHttpServer } from "@tracemesh/telemetry";
import { createApp } from "./app.ts";
import { type Config, ConfigError, loadConfig } from "./config.ts";
import { createNotificationSink } from "./delivery/create-sink.ts";
import { withDeliveryMetrics } from "./delivery/delivery-metrics.ts";
import { startTodoConsumer } from "./events/todo-consumer.ts";
import { createTodoEventHandler } from "./events/todo-event-handler.ts";
import { watchConnection } from "./nats/connection-state.ts";
import { createProfileLookup } from "./profiles/profile-lookup.ts";

const SERVICE = "notifier";

function warnAboutMissingSecrets(config: Config, logger: Logger): void {
  if (config.serviceToken === undefined) {
    logger.warn("notifier.service_token_missing", {
      effect: "auth refuses profile lookups: events naming an owner end in the dead-letter stream",
    });
  }
  if (config.alertsToken === undefined) {
    logger.warn("notifier.alerts_token_missing", { effect: "POST /v1/alerts refuses every call" });
  }
}

async function serve(config: Config, logger: Logger, nc: NatsConnection): Promise<void> {
  const natsOpen = watchConnection(nc, logger);
  const js = jetstream(nc);
  const sink = withDeliveryMetrics(
    createNotificationSink({ webhookUrl: config.webhookUrl, logger }),
  );
  const auth = createDependencyClient({ name: "auth", baseUrl: config.authUrl, logger });
  const handler = createTodoEventHandler({
    findProfile: createProfileLookup({ client: auth, serviceToken: config.serviceToken }),
    sink,
    logger,
    messageBudgetMs: config.messageBudgetMs,
  });
  const consumer = await startTodoConsumer({
    js,
    jsm: await jetstreamManager(nc),
    topology: config.topology,
    handler,
    maxDeliver: config.maxDeliver,
    backoffMs: config.backoffMs,
    concurrency: config.concurrency,
    logger,
  });
  logger.info("notifier.initialized", {
    channel: sink.channel,
    stream: config.topology.stream,
    consumer: config.topology.consumer,
    maxDeliver: config.maxDeliver,
    chaosEnabled: config.chaos !== undefined,
  });
  const app = createApp({
    logger,
    sink,
    alertsToken: config.alertsToken,
    readiness: { nats: natsOpen, consumer: consumer.running },
    requestBudgetMs: config.requestBudgetMs,
    chaos: config.chaos ? createChaosControls({ token: config.chaos.token }) : undefined,
  });
  // SIGTERM: stop accepting HTTP, finish requests, then stop pulling and let the events being
  // handled finish (acked only once delivered), drain NATS, flush telemetry, exit 0.
  try {
    await startHttpServer({
      app,
      port: config.port,
      logger,
      drainTimeoutMs: config.shutdownDrainMs,
      async onShutdown() {
        await consumer.stop();
        await nc.drain();
      },
    });
  } catch (error) {
    await consumer.stop();
    throw error;
  }
}

async function start(config: Config): Promise<void> {
  const logger = createLogger({ service: SERVICE, level: config.logLevel });
  warnAboutMissingSecrets(config, logger);
  let nc: NatsConnection | undefined;
  try {
    // Waits for a NATS that is not up yet instead of failing: compose starts everything at once.
    nc = await connect({
      servers: config.natsUrl.split(","),
      name: SERVICE,
      waitOnFirstConnect: true,
      maxReconnectAttempts: -1,
    });
    await serve(config, logger, nc);
  } catch (error) {
    logger.error("notifier.start_failed", { error });
    await nc?.close();
    await shutdownTelemetry();
    process.exitCode = 1;
  }
}

try {
  await start(loadConfig());
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  // One fatal line naming the variable (never its value: it may be a secret), then exit 1 once
  // the line is written and telemetry stopped: exitCode instead of exit() lets the stream flush.
  createLogger({ service: SERVICE }).error("config.invalid", {
    variable: error.variable,
    issue: error.message,
  });
  await shutdownTelemetry();
  process.exitCode = 1;
}
