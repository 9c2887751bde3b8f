import type { JetStreamClient, JetStreamManager } from "@nats-io/jetstream";
import {
  consumeEvents,
  createProcessedEventStore,
  type EventHandler,
  ensureEventConsumer,
  ensureEventStreams,
  type QueueLogger,
} from "@tracemesh/queue";

/** Names of the streams, the durable consumer and the idempotency bucket. */
export interface TodoTopology {
  stream: string;
  subjectPrefix: string;
  deadLetterStream: string;
  deadLetterSubjectPrefix: string;
  consumer: string;
  processedEventsBucket: string;
}

export interface TodoConsumerOptions {
  js: JetStreamClient;
  jsm: JetStreamManager;
  topology: TodoTopology;
  handler: EventHandler;
  /** Deliveries an event gets before it is dead-lettered. */
  maxDeliver: number;
  /** Redelivery delays after each failed delivery (the last repeats). */
  backoffMs: readonly number[];
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
 * Brings the todo event streams and the durable consumer to this configuration (safe at every
 * start), opens the processed-events bucket, and consumes: each event handled once by id,
 * acknowledged only after its handler succeeded, retried with backoff, then dead-lettered.
 */
export async function startTodoConsumer(options: TodoConsumerOptions): Promise<TodoConsumer> {
  const { js, jsm, topology, maxDeliver, backoffMs } = options;
  await ensureEventStreams(jsm, topology);
  await ensureEventConsumer(jsm, {
    stream: topology.stream,
    consumer: topology.consumer,
    maxDeliver,
    backoffMs,
  });
  const processedEvents = await createProcessedEventStore(js, topology.processedEventsBucket);
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
