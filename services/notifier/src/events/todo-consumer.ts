import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import {
  consumeEvents,
  createProcessedEventStore,
  type EventConsumer,
  type EventHandler,
  type EventTopology,
  ensureEventConsumer,
  ensureEventStreams,
  type ProcessedEventStore,
  type QueueLogger,
} from "@tracemesh/queue";

export interface TodoConsumerOptions {
  topology: EventTopology;
  handler: EventHandler;
  /** Deliveries an event gets before it is dead-lettered. */
  maxDeliver: number;
  /** Redelivery delays after each failed delivery (the last repeats). */
  backoffMs: readonly number[];
  /**
   * How long a claim on an event keeps its other copies waiting: longer than one handling can
   * take (the message budget), since an older claim is taken for its holder's crash.
   */
  claimTtlMs: number;
  /**
   * How long a delivery may go unacknowledged before the server hands it out again: longer
   * than one handling can take and than a claim lives (see ensureEventConsumer).
   */
  ackWaitMs: number;
  /** Events handled at once. @default 1 */
  concurrency?: number;
  logger?: QueueLogger;
}

export interface TodoConsumer {
  /**
   * For `keepNatsConnected`'s onConnected: ensures the topology (a server restarted without its
   * store has lost it) and, on a new connection, starts consuming. Throws to be retried.
   */
  onConnected(nc: NatsConnection): Promise<void>;
  /** Whether a pull loop runs: not before NATS first answered, nor once stopped or closed. */
  running(): boolean;
  /** Stops pulling now, waits for the events being handled; nothing starts afterwards. */
  stop(): Promise<void>;
}

/**
 * Brings the event streams, the durable consumer and the claims bucket to this configuration:
 * safe at every start, and after a reconnection to a server that lost its store.
 */
async function ensureTodoTopology(
  nc: NatsConnection,
  options: TodoConsumerOptions,
): Promise<ProcessedEventStore> {
  const { topology, maxDeliver, claimTtlMs, ackWaitMs } = options;
  const jsm = await jetstreamManager(nc);
  await ensureEventStreams(jsm, topology);
  await ensureEventConsumer(jsm, {
    stream: topology.stream,
    consumer: topology.consumer,
    maxDeliver,
    ackWaitMs,
  });
  return createProcessedEventStore(jetstream(nc), topology.processedEventsBucket, { claimTtlMs });
}

/**
 * The todo consumer, run whenever there is a connection to run it on, so that the service can
 * start (and answer /health/live) before NATS does and consume as soon as NATS comes: each
 * event claimed by id before it is handled (so it is delivered once), acknowledged only after
 * its handler succeeded, retried with backoff, then dead-lettered (at once when its data can
 * never be notified).
 */
export function createTodoConsumer(options: TodoConsumerOptions): TodoConsumer {
  const { topology, maxDeliver, backoffMs } = options;
  let current: { nc: NatsConnection; consumer: EventConsumer; running: boolean } | undefined;
  let starting: Promise<void> | undefined;
  let stopped: Promise<void> | undefined;

  async function start(nc: NatsConnection): Promise<void> {
    if (stopped) return;
    const processedEvents = await ensureTodoTopology(nc, options);
    if (current?.nc === nc && current.running) return;
    const consumer = await consumeEvents({
      js: jetstream(nc),
      stream: topology.stream,
      consumer: topology.consumer,
      deadLetterSubjectPrefix: topology.deadLetterSubjectPrefix,
      handler: options.handler,
      maxDeliver,
      backoffMs,
      concurrency: options.concurrency ?? 1,
      processedEvents,
      logger: options.logger,
    });
    // Stopped while it started: it must not outlive the stop.
    if (stopped) return consumer.stop();
    const run = { nc, consumer, running: true };
    const ended = () => {
      run.running = false;
    };
    consumer.done.then(ended, ended);
    current = run;
  }

  return {
    onConnected(nc) {
      const run = start(nc);
      starting = run.catch(() => undefined);
      return run;
    },
    running: () => stopped === undefined && current?.running === true,
    stop() {
      stopped ??= (async () => {
        await starting;
        await current?.consumer.stop();
      })();
      return stopped;
    },
  };
}
