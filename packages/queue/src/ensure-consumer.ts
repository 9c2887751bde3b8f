import {
  AckPolicy,
  type ConsumerInfo,
  type ConsumerUpdateConfig,
  DeliverPolicy,
  JetStreamApiCodes,
  type JetStreamManager,
  ReplayPolicy,
} from "@nats-io/jetstream";
import { nanos } from "@nats-io/nats-core";
import { isJetStreamApiError } from "./jetstream-api-error.ts";
import { QUEUE_DEFAULTS } from "./topology.ts";

export interface EventConsumerOptions {
  /** @default "TODO_EVENTS" */
  stream?: string;
  /** The durable consumer's name. @default "notifier" */
  consumer?: string;
  /** Only these subjects, e.g. `todo.events.created`. @default every subject of the stream */
  filterSubject?: string;
  /** Deliveries a handler gets before its message is dead-lettered. @default 5 */
  maxDeliver?: number;
  /**
   * How long a delivery may go unacknowledged (the handler keeps it with a heartbeat every
   * half of it) before the server delivers it again: longer than a message may take to handle.
   * @default 30000 (QUEUE_DEFAULTS.ackWaitMs)
   */
  ackWaitMs?: number;
  /**
   * Deliveries the server makes after the handler's last attempt: to dead-letter a message
   * whose consumer died during that attempt, and to retry a failed dead-letter publish.
   * @default 10
   */
  deadLetterRetries?: number;
  /** Messages handed out and not yet acknowledged, across all instances. @default 1000 */
  maxAckPending?: number;
}

/**
 * The durable pull consumer of the event stream: explicit ack, bounded redelivery (the
 * consumer's naks space the retries). Created or updated to this configuration, so it is safe
 * at every start.
 */
export async function ensureEventConsumer(
  jsm: JetStreamManager,
  options: EventConsumerOptions = {},
): Promise<ConsumerInfo> {
  const stream = options.stream ?? QUEUE_DEFAULTS.stream;
  const name = options.consumer ?? QUEUE_DEFAULTS.consumer;
  const maxDeliver = options.maxDeliver ?? QUEUE_DEFAULTS.maxDeliver;
  const deadLetterRetries = options.deadLetterRetries ?? QUEUE_DEFAULTS.deadLetterRetries;
  const ackWaitMs = options.ackWaitMs ?? QUEUE_DEFAULTS.ackWaitMs;
  if (maxDeliver < 1 || deadLetterRetries < 1 || ackWaitMs < 1) {
    throw new RangeError("maxDeliver, deadLetterRetries and ackWaitMs must be at least 1");
  }
  const updatable: Partial<ConsumerUpdateConfig> = {
    // More deliveries than the handler gets: a message whose consumer died during its last
    // attempt comes back to be dead-lettered, and one whose dead-letter publish failed comes
    // back to try again, instead of silently running out of deliveries.
    max_deliver: maxDeliver + deadLetterRetries,
    // A message whose ack never comes (a consumer that died) is delivered again after ack_wait.
    // Failures the consumer sees are naked with consumeEvents' backoffMs, and the server must
    // have no backoff of its own: NATS then adds each value's excess over ack_wait to the nak's
    // delay (a retry asked for in 60 s came after 95 s), and takes the first value for
    // ack_wait. An empty list clears one that an earlier version set.
    ack_wait: nanos(ackWaitMs),
    backoff: [],
    max_ack_pending: options.maxAckPending ?? 1000,
    ...(options.filterSubject === undefined ? {} : { filter_subject: options.filterSubject }),
  };
  try {
    await jsm.consumers.info(stream, name);
  } catch (error) {
    if (!isJetStreamApiError(error, JetStreamApiCodes.ConsumerNotFound)) throw error;
    try {
      return await jsm.consumers.add(stream, {
        ...updatable,
        durable_name: name,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        replay_policy: ReplayPolicy.Instant,
      });
    } catch (addError) {
      // Another instance may have created it between our info and add: update it instead.
      const exists = await jsm.consumers.info(stream, name).then(
        () => true,
        () => false,
      );
      if (!exists) throw addError;
    }
  }
  return jsm.consumers.update(stream, name, updatable);
}
