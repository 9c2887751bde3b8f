import type { TodoEventType } from "./cloud-event.ts";

/** Names and limits of the todo event topology (DESIGN §7); every one can be overridden. */
export const QUEUE_DEFAULTS = {
  stream: "TODO_EVENTS",
  subjectPrefix: "todo.events",
  deadLetterStream: "TODO_EVENTS_DLQ",
  deadLetterSubjectPrefix: "todo.dlq",
  consumer: "notifier",
  maxDeliver: 5,
  backoffMs: [1_000, 5_000, 30_000, 60_000],
  // Longer than the relay's longest retry backoff and a database blip, so an outbox record
  // published twice (published, then not marked) is still recognised as a duplicate.
  duplicateWindowMs: 15 * 60_000,
  maxAgeMs: 7 * 24 * 3_600_000,
  deadLetterMaxAgeMs: 30 * 24 * 3_600_000,
} as const;

/** The subject an event of this type is published on: `todo.created` → `todo.events.created`. */
export function eventSubject(
  type: TodoEventType,
  prefix: string = QUEUE_DEFAULTS.subjectPrefix,
): string {
  return `${prefix}.${type.slice(type.indexOf(".") + 1)}`;
}
