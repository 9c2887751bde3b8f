import { type JetStreamClient, jetstream, jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { DependencyError } from "@tracemesh/errors";
import {
  createOutboxRelay,
  ensureEventStreams,
  keepNatsConnected,
  type OutboxFlushResult,
  type OutboxPublish,
  publishEvent,
  QUEUE_DEFAULTS,
  type QueueLogger,
  type StreamTopology,
  withoutTracing,
} from "@tracemesh/queue";
import { createSqlOutboxSource } from "../storage/outbox.ts";
import type { SqlClient } from "../storage/sql-client.ts";

const NOT_CONNECTED = new Error("not connected to NATS");

export interface EventRelayOptions {
  /** `host:port` or `nats://…`. */
  natsUrl: string;
  client: SqlClient;
  logger: QueueLogger;
  /**
   * Pause between polls of an empty outbox: the safety net, since each commit wakes the relay
   * (the outbox's `outbox_inserted` notification). @default 1000
   */
  intervalMs?: number;
  /** @default 100 */
  batchSize?: number;
  /** Longest pause after repeated publish failures. @default 10000 */
  maxBackoffMs?: number;
  /** Wait for the stream's acknowledgement of one event. @default 5000 */
  publishTimeoutMs?: number;
  /** First pause between connection attempts. @default 500 */
  reconnectWaitMs?: number;
  /** See `SqlOutboxSourceOptions.leaseMs`. @default 30000 */
  leaseMs?: number;
  /** Published rows are deleted after this long. @default 24 hours */
  retainPublishedMs?: number;
  /** @default 1 hour */
  pruneIntervalMs?: number;
  /**
   * The streams to ensure, as the notifier reads them (`streamTopologyEnvEntries`);
   * `subjectPrefix` must be the one `todoEvent` was given. @default QUEUE_DEFAULTS
   */
  topology?: StreamTopology;
}

export interface EventRelay {
  /**
   * Whether NATS is reachable now and the relay publishing (its streams ensured once): for
   * /health/ready to report (the outbox absorbs outages).
   */
  isConnected(): boolean;
  /** Publishes what is pending now; for tests and shutdown. */
  flush(): Promise<OutboxFlushResult>;
  /** Lets the batch being published finish, then drains and closes the NATS connection. */
  stop(): Promise<void>;
}

/**
 * Publishes the outbox table to JetStream (docs/architecture.md#the-queue-hop), each event as
 * soon as its write commits. Returns at once: NATS may be down at start or at any time, the
 * todos' events wait in the table meanwhile, and the relay catches up as soon as the connection
 * (and the streams) are back.
 */
export function startEventRelay(options: EventRelayOptions): EventRelay {
  const { natsUrl, client, logger, topology = QUEUE_DEFAULTS } = options;
  const { publishTimeoutMs = 5000, retainPublishedMs = 24 * 3_600_000 } = options;
  const source = createSqlOutboxSource(client, { leaseMs: options.leaseMs ?? 30_000 });
  let stopping = false;
  let started = false;
  let js: { nc: NatsConnection; client: JetStreamClient } | undefined;

  // Failures are noted on the row (or the row parked) by the relay, outside the event's trace.
  // nats.js drops what it buffered when it redials, and a reply to what it had sent is lost
  // with the connection: such a publish could only time out, holding its batch, and the
  // reconnect's flush behind it. So a publish fails at once while NATS is away, and one still
  // waiting when the connection drops gives up then (Nats-Msg-Id keeps a resent event single).
  const publish: OutboxPublish = async (event, { subject }) => {
    const nc = link.connection();
    const connection = link.connectionSignal();
    if (nc === undefined || connection.aborted) {
      throw new DependencyError({ dependency: "nats", cause: NOT_CONNECTED });
    }
    if (js?.nc !== nc) js = { nc, client: jetstream(nc) };
    return publishEvent(js.client, event, {
      subject,
      timeoutMs: publishTimeoutMs,
      signal: connection,
    });
  };

  const relay = createOutboxRelay({
    source,
    publish,
    logger,
    intervalMs: options.intervalMs ?? 1000,
    batchSize: options.batchSize ?? 100,
    maxBackoffMs: options.maxBackoffMs ?? 10_000,
  });

  // Woken by each commit that writes an event, through the table's trigger (migration 0005).
  const listening = withoutTracing(() =>
    client.listen("outbox_inserted", () => relay.wake()),
  ).catch((error: unknown) => {
    logger.warn("outbox.listen_failed", { error, effect: "events wait for the relay's poll" });
    return async () => {};
  });

  const link = keepNatsConnected({
    servers: natsUrl,
    name: "todo-api",
    logger,
    ...(options.reconnectWaitMs === undefined ? {} : { retryMs: options.reconnectWaitMs }),
    async onConnected(nc) {
      await ensureEventStreams(await jetstreamManager(nc), topology);
      if (stopping) return;
      if (!started) {
        started = true;
        relay.start();
      } else {
        // Back after an outage: skip the backoff it left, everything waiting can go now.
        relay.resume();
      }
    },
  });

  async function prune(): Promise<void> {
    try {
      const deleted = await withoutTracing(() => source.prunePublished(retainPublishedMs));
      if (deleted > 0) logger.info("outbox.pruned", { deleted });
    } catch (error) {
      logger.warn("outbox.prune_failed", { error });
    }
  }
  const pruning = setInterval(prune, options.pruneIntervalMs ?? 3_600_000);
  pruning.unref();

  return {
    isConnected: () => started && link.isConnected(),
    flush: () => relay.flush(),
    async stop() {
      stopping = true;
      clearInterval(pruning);
      await (await listening)();
      await relay.stop();
      await link.close();
    },
  };
}
