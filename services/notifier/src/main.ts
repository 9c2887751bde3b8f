import { createChaosControls } from "@tracemesh/chaos";
import { runService, startHttpServer } from "@tracemesh/http";
import { createLogger, type Logger } from "@tracemesh/logger";
import { keepNatsConnected } from "@tracemesh/queue";
import { createDependencyClient } from "@tracemesh/resilience";
import { hideUrlFromSpans } from "@tracemesh/telemetry";
import { createExampleTraceFinder, type FindExampleTrace } from "./alerts/example-trace.ts";
import { createApp } from "./app.ts";
import { type Config, loadConfig } from "./config.ts";
import { createNotificationSink } from "./delivery/create-sink.ts";
import { withDeliveryMetrics } from "./delivery/delivery-metrics.ts";
import { createTodoConsumer } from "./events/todo-consumer.ts";
import { createTodoEventHandler } from "./events/todo-event-handler.ts";
import { createProfileLookup } from "./profiles/profile-lookup.ts";

const SERVICE = "notifier";
// A claim outlives the longest handling (the message budget) by this much: the KV round trips,
// a GC pause, the clocks of two replicas. Only an older claim is taken for its holder's crash.
const CLAIM_TTL_MARGIN_MS = 5_000;

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

function exampleTraceFinder(config: Config, logger: Logger): FindExampleTrace | undefined {
  if (config.traces === undefined) return undefined;
  const { queryUrl, uiUrl, lookupTimeoutMs } = config.traces;
  // One attempt, bounded: an example that comes late is worth less than a notification on time.
  const client = createDependencyClient({
    name: "traces",
    baseUrl: queryUrl,
    timeouts: { attemptMs: lookupTimeoutMs, totalMs: lookupTimeoutMs },
    retry: { maxAttempts: 1 },
    // A search answers whole traces, up to 20 of them: more than the 1 MiB other answers get.
    maxResponseBytes: 16 * 1_048_576,
    logger,
  });
  return createExampleTraceFinder({ client, uiUrl, logger });
}

async function start(config: Config): Promise<void> {
  const logger = createLogger({ service: SERVICE, level: config.logLevel });
  warnAboutMissingSecrets(config, logger);
  // Its path or query may be the webhook's credential (docs: NOTIFY_WEBHOOK_URL).
  if (config.webhookUrl !== undefined) hideUrlFromSpans(config.webhookUrl);
  const sink = withDeliveryMetrics(
    createNotificationSink({
      webhookUrl: config.webhookUrl,
      logger,
      client: { timeouts: config.webhookTimeouts },
    }),
  );
  const auth = createDependencyClient({ name: "auth", baseUrl: config.authUrl, logger });
  const claimTtlMs = config.messageBudgetMs + CLAIM_TTL_MARGIN_MS;
  const consumer = createTodoConsumer({
    topology: config.topology,
    handler: createTodoEventHandler({
      findProfile: createProfileLookup({ client: auth, serviceToken: config.serviceToken }),
      sink,
      logger,
      messageBudgetMs: config.messageBudgetMs,
    }),
    maxDeliver: config.maxDeliver,
    backoffMs: config.backoffMs,
    claimTtlMs,
    // A message budget past a claim's life: a delivery whose notifier died comes back once its
    // claim is stale, to be taken over at once, and one being handled survives a stall of a
    // whole budget between two heartbeats (every ack_wait / 2) without being delivered twice.
    ackWaitMs: claimTtlMs + config.messageBudgetMs,
    concurrency: config.concurrency,
    logger,
  });
  // In the background: HTTP answers (live, and ready = "nats" failing) while NATS is not up
  // yet, which compose and a restarting broker both cause; the consumer starts once it is.
  const nats = keepNatsConnected({
    servers: config.natsUrl,
    name: SERVICE,
    logger,
    onConnected: consumer.onConnected,
  });
  const app = createApp({
    logger,
    sink,
    alertsToken: config.alertsToken,
    findExampleTrace: exampleTraceFinder(config, logger),
    readiness: { nats: nats.isConnected, consumer: consumer.running },
    requestBudgetMs: config.requestBudgetMs,
    chaos: config.chaos ? createChaosControls({ token: config.chaos.token, logger }) : undefined,
  });
  async function stopConsuming(): Promise<void> {
    await consumer.stop();
    await nats.close();
  }
  try {
    // SIGTERM: stop pulling at once (the HTTP grace period and drain may take a while) and let
    // the events being handled finish, acked only once delivered; meanwhile serve HTTP for the
    // grace period, stop accepting and finish the requests; then drain NATS, or close it when it
    // is away, flush telemetry, exit 0.
    await startHttpServer({
      app,
      port: config.port,
      logger,
      ...config.shutdown,
      onShutdownStarted: consumer.stop,
      onShutdown: stopConsuming,
    });
  } catch (error) {
    await stopConsuming();
    throw error;
  }
  logger.info("notifier.initialized", {
    channel: sink.channel,
    stream: config.topology.stream,
    consumer: config.topology.consumer,
    maxDeliver: config.maxDeliver,
    chaosEnabled: config.chaos !== undefined,
  });
}

await runService({ name: SERVICE, loadConfig, start });
