import { randomUUID } from "node:crypto";
import type { JetStreamClient, JsMsg } from "@nats-io/jetstream";
import { ClosedConnectionError, millis } from "@nats-io/nats-core";
import { trackConsumerLag } from "./consumer-lag.ts";
import {
  ATTR_MESSAGING_CONSUMER_GROUP_NAME,
  ATTR_MESSAGING_SYSTEM,
  ATTR_NATS_STREAM,
  MESSAGING_SYSTEM_NATS,
} from "./messaging-attributes.ts";
import { type EventHandler, isLastServerDelivery, processMessage } from "./process-message.ts";
import type { ProcessedEventStore } from "./processed-event-store.ts";
import { ORDERING_KEY_HEADER } from "./publish-event.ts";
import type { QueueLogger } from "./queue-logger.ts";
import { createQueueMetrics } from "./queue-metrics.ts";
import { withAckHeartbeat } from "./redelivery.ts";
import { QUEUE_DEFAULTS } from "./topology.ts";

export interface ConsumeEventsOptions {
  js: JetStreamClient;
  /** The stream, e.g. "TODO_EVENTS". */
  stream: string;
  /** The durable consumer (see ensureEventConsumer), e.g. "notifier". */
  consumer: string;
  handler: EventHandler;
  logger?: QueueLogger;
  /** Deliveries a handler gets before the message is dead-lettered: as in ensureEventConsumer. @default 5 */
  maxDeliver?: number;
  /** Nak delays after each failed delivery: as in ensureEventConsumer. @default [1 s, 5 s, 30 s, 60 s] */
  backoffMs?: readonly number[];
  /**
   * Handlers running at once; the events of one subject (a todo's, by their `ce-subject`
   * header) still run one after the other, in the stream's order. @default 1
   */
  concurrency?: number;
  /**
   * Where the last failed delivery goes, e.g. "todo.dlq": the topology's dead-letter subjects.
   * No default: one would send another topology's dead letters (a test's) to the production
   * dead-letter stream, or to none.
   */
  deadLetterSubjectPrefix: string;
  /**
   * When given, each event id is claimed before its handler runs: a copy of an event already
   * delivered is acked without running the handler, one being handled elsewhere waits.
   */
  processedEvents?: ProcessedEventStore;
  /** Pause before pulling again after the pull loop failed. @default 1000 */
  restartDelayMs?: number;
  /** How long one pull waits for messages; stop() may wait this long. @default 1000 (the least) */
  pullExpiresMs?: number;
  /** How often the lag gauge asks the server while no message comes, so that it moves. @default 5000 */
  lagRefreshMs?: number;
}

export interface EventConsumer {
  /**
   * Lets the open pull end, naks what it brings (but a message at its last delivery, which it
   * handles), waits for running handlers.
   */
  stop(): Promise<void>;
  /** Settles when the loop has ended: after stop(), or when the connection closed. */
  readonly done: Promise<void>;
}

/**
 * Pulls events from a durable consumer and runs `handler` for each, `concurrency` at a time
 * (a subject's events in order, unless a retry reorders them), each in a CONSUMER span continuing the producer's trace: ack on success, nak with backoff
 * on failure, dead-letter at the last delivery. Resolves once the consumer is found.
 */
export async function consumeEvents(options: ConsumeEventsOptions): Promise<EventConsumer> {
  const { js, logger } = options;
  const concurrency = Math.max(1, options.concurrency ?? 1);
  const consumer = await js.consumers.get(options.stream, options.consumer);
  const info = await consumer.info(true);
  const metrics = createQueueMetrics();
  // The losses that page exist as series at 0 from the start, so their panels and alerts read
  // a 0, not nothing. A loss itself also carries its subject, which is not known yet here.
  const consumerAttributes = {
    [ATTR_MESSAGING_SYSTEM]: MESSAGING_SYSTEM_NATS,
    [ATTR_MESSAGING_CONSUMER_GROUP_NAME]: options.consumer,
  };
  metrics.stranded.add(0, consumerAttributes);
  metrics.deadLetterFailures.add(0, consumerAttributes);
  const lag = trackConsumerLag(metrics, consumer, {
    attributes: { ...consumerAttributes, [ATTR_NATS_STREAM]: options.stream },
    initial: info.num_pending,
    refreshMs: options.lagRefreshMs ?? 5000,
    logger,
  });
  const processOptions = {
    js,
    consumer: options.consumer,
    handler: options.handler,
    maxDeliver: options.maxDeliver ?? QUEUE_DEFAULTS.maxDeliver,
    serverMaxDeliver: info.config.max_deliver ?? -1,
    backoffMs: options.backoffMs ?? QUEUE_DEFAULTS.backoffMs,
    deadLetterSubjectPrefix: options.deadLetterSubjectPrefix,
    heartbeatMs: Math.max(10, Math.floor(millis(info.config.ack_wait ?? 0) / 2)),
    metrics,
    logger,
    processedEvents: options.processedEvents,
    claimHolder: `${options.consumer}/${randomUUID()}`,
  };
  const inFlight = new Set<Promise<unknown>>();
  // The last message taken of each subject still in flight: the next one of it waits for it.
  const lastOfSubject = new Map<string, Promise<unknown>>();
  let stopping = false;
  let wake: () => void = () => {};

  function pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  function start(msg: JsMsg): void {
    const subject = msg.headers?.get(ORDERING_KEY_HEADER) || undefined;
    const before = subject === undefined ? undefined : lastOfSubject.get(subject);
    const handle = () => processMessage(msg, processOptions);
    // Waiting for its turn behind its todo's earlier message, it is in progress too: without a
    // heartbeat, a wait past ack_wait would have the server deliver it again meanwhile.
    const turn =
      before &&
      withAckHeartbeat(msg, processOptions.heartbeatMs, async () => {
        await before;
      });
    const task = (turn ? turn.then(handle) : handle())
      .catch((error: unknown) =>
        logger?.error("queue.message.failed", {
          consumer: options.consumer,
          error,
        }),
      )
      .finally(() => {
        inFlight.delete(task);
        if (subject !== undefined && lastOfSubject.get(subject) === task) {
          lastOfSubject.delete(subject);
        }
      });
    inFlight.add(task);
    if (subject !== undefined) lastOfSubject.set(subject, task);
  }

  // Pulls ask for free handler slots only and are never cut short: no message waits in a
  // buffer, and no pull request outlives the consumer on the server (an orphaned one makes
  // NATS 2.9 deliver a nak'd message twice and hold another until ack_wait: nats-server#5305).
  async function pull(): Promise<void> {
    while (!stopping) {
      while (!stopping && inFlight.size >= concurrency) await Promise.race(inFlight);
      if (stopping) return;
      const expires = options.pullExpiresMs ?? 1000;
      const batch = await consumer.fetch({ max_messages: concurrency - inFlight.size, expires });
      for await (const msg of batch) {
        lag.update(msg.info.pending);
        // Arrived after stop(): hand it back now rather than after ack_wait, for a time after
        // this pull ends; back at once, the server would hand it to this pull again, until the
        // last time, which nobody reads. At its last delivery it is handled (dead-lettered, past
        // maxDeliver) before the consumer stops: handed back, it would be stranded uncounted.
        if (stopping && !isLastServerDelivery(msg, processOptions.serverMaxDeliver)) {
          msg.nak(expires);
        } else start(msg);
      }
    }
  }

  async function run(): Promise<void> {
    logger?.info("queue.consumer.started", {
      stream: options.stream,
      consumer: options.consumer,
      concurrency,
    });
    while (!stopping) {
      try {
        await pull();
      } catch (error) {
        if (error instanceof ClosedConnectionError) break;
        logger?.warn("queue.consumer.pull_failed", {
          consumer: options.consumer,
          error,
        });
      }
      if (!stopping) await pause(options.restartDelayMs ?? 1000);
    }
    await Promise.allSettled(inFlight);
    lag.stop();
    logger?.info("queue.consumer.stopped", { stream: options.stream, consumer: options.consumer });
  }

  const done = run();
  return {
    done,
    async stop() {
      stopping = true;
      wake();
      await done;
    },
  };
}
