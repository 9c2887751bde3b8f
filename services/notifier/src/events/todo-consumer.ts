import type { JetStreamClient, JetStreamManager } from "@nats-io/jetstream";
import {
  consumeEvents,
  createProcessedEventStore,
  type EventHandler,
  type EventTopology,
  ensureEventConsumer,
  ensureEventStreams,
  type ProcessedEventStore,
  type QueueLogger,
} from "@tracemesh/queue";

export interface TodoTopologyOptions {
  topology: EventTopology;
  /** Deliveries an event gets before it is dead-lettered. */
  maxDeliver: number;
  /** Redelivery delays after each failed delivery (the last repeats). */
  backoffMs: readonly number[];
  /**
   * How long a claim on an event keeps its other copies waiting: longer than one handling can
   * take (the message budget), since an older claim is taken for its holder's crash.
   */
  claimTtlMs: number;
}

export interface TodoConsumerOptions extends TodoTopologyOptions {
  js: JetStreamClient;
  jsm: JetStreamManager;
  handler: EventHandler;
  /** Events handled at once. @default 1 */
  concurrency?: number;
  logger?: QueueLogger;
}

export interface TodoConsumer {
  /** Whether the pull loop runs: false once stopped or once the connection closed. */
  running(): boolean;
  /** Stops pulling, hands back what arrives, waits for the events being handled. */
  stop(): Promise<void>;
}

/**
 * Brings the event streams, the durable consumer and the claims bucket to this configuration:
 * safe at every start, and after a reconnection to a server that lost its store.
 */
export async function ensureTodoTopology(
  js: JetStreamClient,
  jsm: JetStreamManager,
  options: TodoTopologyOptions,
): Promise<ProcessedEventStore> {
  const { topology, maxDeliver, backoffMs, claimTtlMs } = options;
  await ensureEventStreams(jsm, topology);
  await ensureEventConsumer(jsm, {
    stream: topology.stream,
    consumer: topology.consumer,
    maxDeliver,
    backoffMs,
  });
  return createProcessedEventStore(js, topology.processedEventsBucket, { claimTtlMs });
}

/**
 * Ensures the topology, then consumes: each event claimed by id before it is handled (so it is
 * delivered once), acknowledged only after its handler succeeded, retried with backoff, then
 * dead-lettered (at once when its data can never be notified).
 */
export async function startTodoConsumer(options: TodoConsumerOptions): Promise<TodoConsumer> {
  const { js, jsm, topology, maxDeliver, backoffMs } = options;
  const processedEvents = await ensureTodoTopology(js, jsm, options);
  const consumer = await consumeEvents({
    js,
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
  let running = true;
  const ended = () => {
    running = false;
  };
  consumer.done.then(ended, ended);
  return { running: () => running, stop: () => consumer.stop() };
}
