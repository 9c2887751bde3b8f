import type { TodoEventType } from "./cloud-event.ts";

/** The streams and subjects events travel on: what a publisher and a consumer must agree on. */
export interface StreamTopology {
  /** e.g. "TODO_EVENTS" */
  stream: string;
  /** The stream takes `<subjectPrefix>.>`, e.g. "todo.events". */
  subjectPrefix: string;
  /** e.g. "TODO_EVENTS_DLQ" */
  deadLetterStream: string;
  /** The dead-letter stream takes `<deadLetterSubjectPrefix>.>`, e.g. "todo.dlq". */
  deadLetterSubjectPrefix: string;
}

/** The stream topology plus what only the consumer needs: its durable name and its claims bucket. */
export interface EventTopology extends StreamTopology {
  consumer: string;
  processedEventsBucket: string;
}

/**
 * Names and limits of the todo event topology (docs/architecture.md#the-queue-hop); every one can
 * be overridden.
 */
export const QUEUE_DEFAULTS = {
  stream: "TODO_EVENTS",
  subjectPrefix: "todo.events",
  deadLetterStream: "TODO_EVENTS_DLQ",
  deadLetterSubjectPrefix: "todo.dlq",
  consumer: "notifier",
  processedEventsBucket: "notifier_processed_events",
  maxDeliver: 5,
  backoffMs: [1_000, 5_000, 30_000, 60_000],
  // How long a delivery may go unacknowledged before the server hands it to another puller: a
  // handler's heartbeat (every half of it) keeps a slow one, so only an event loop stalled for
  // more than half of it risks its message delivered twice. A consumer that dies mid-message
  // gets it back after this long.
  ackWaitMs: 30_000,
  // Deliveries the server makes beyond the handler's attempts, so that a failing publish to the
  // dead-letter stream is retried (after the backoff, as a failed handler is) instead of
  // leaving the message stuck.
  deadLetterRetries: 10,
  // Longer than the relay's longest retry backoff and a database blip, so an outbox record
  // published twice (published, then not marked) is still recognised as a duplicate.
  duplicateWindowMs: 15 * 60_000,
  maxAgeMs: 7 * 24 * 3_600_000,
  // At some 160 bytes a key (subject, event id, state), room for 1.6 million event ids: past
  // it the oldest are forgotten.
  processedEventsMaxBytes: 256 * 1_048_576,
  deadLetterMaxAgeMs: 30 * 24 * 3_600_000,
} as const;

/** The subject an event of this type is published on: `todo.created` → `todo.events.created`. */
export function eventSubject(
  type: TodoEventType,
  prefix: string = QUEUE_DEFAULTS.subjectPrefix,
): string {
  return `${prefix}.${type.slice(type.indexOf(".") + 1)}`;
}
