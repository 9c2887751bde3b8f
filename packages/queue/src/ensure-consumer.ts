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
  /** Redelivery delays, one per failed delivery (the last repeats). @default [1 s, 5 s, 30 s, 60 s] */
  backoffMs?: readonly number[];
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
 * The durable pull consumer of the event stream: explicit ack, bounded redelivery with
 * backoff. Created or updated to this configuration, so it is safe at every start.
 */
export async function ensureEventConsumer(
  jsm: JetStreamManager,
  options: EventConsumerOptions = {},
): Promise<ConsumerInfo> {
  const stream = options.stream ?? QUEUE_DEFAULTS.stream;
  const name = options.consumer ?? QUEUE_DEFAULTS.consumer;
  const maxDeliver = options.maxDeliver ?? QUEUE_DEFAULTS.maxDeliver;
  const backoffMs = options.backoffMs ?? QUEUE_DEFAULTS.backoffMs;
  const deadLetterRetries = options.deadLetterRetries ?? QUEUE_DEFAULTS.deadLetterRetries;
  const ackWaitMs = options.ackWaitMs ?? QUEUE_DEFAULTS.ackWaitMs;
  if (maxDeliver < 1 || deadLetterRetries < 1 || backoffMs.length === 0 || ackWaitMs < 1) {
    throw new RangeError(
      "maxDeliver, deadLetterRetries and ackWaitMs must be at least 1 and backoffMs must not be empty",
    );
  }
  const updatable: Partial<ConsumerUpdateConfig> = {
    // More deliveries than the handler gets: a message whose consumer died during its last
    // attempt comes back to be dead-lettered, and one whose dead-letter publish failed comes
    // back to try again, instead of silently running out of deliveries. (An unlimited -1 is
    // refused alongside backoff by NATS 2.9.)
    max_deliver: maxDeliver + deadLetterRetries,
    // The server applies these when an ack never comes (a consumer that died); failures the
    // consumer sees are naked with backoffMs itself. A server with a backoff takes its first
    // value for ack_wait: were that 1 s (the default backoff), a handler slower than it, or an
    // event loop stalled as long, would have its message delivered again elsewhere meanwhile.
    // Hence none shorter than ack_wait. The server wants max_deliver > backoff.length.
    ack_wait: nanos(ackWaitMs),
    backoff: backoffMs.slice(0, maxDeliver).map((ms) => nanos(Math.max(ms, ackWaitMs))),
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
