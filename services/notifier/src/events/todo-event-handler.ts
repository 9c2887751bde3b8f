import { type Meter, metrics, trace } from "@opentelemetry/api";
import type { CloudEvent, EventHandler } from "@tracemesh/queue";
import { createDeadline, type Deadline } from "@tracemesh/resilience";
import { NOTIFIER_SCOPE } from "../delivery/delivery-metrics.ts";
import type { TodoNotification } from "../delivery/notification.ts";
import type { NotificationSink } from "../delivery/notification-sink.ts";
import type { ProfileLookup } from "../profiles/profile-lookup.ts";
import type { UserProfile } from "../profiles/user-profile.ts";
import { parseTodoEventData } from "./todo-event-data.ts";

/** What the handler logs: `@tracemesh/logger`'s Logger fits. */
export interface HandlerLogger {
  info(event: string, fields?: Record<string, unknown>): unknown;
}

export interface TodoEventHandlerOptions {
  findProfile: ProfileLookup;
  sink: NotificationSink;
  logger: HandlerLogger;
  /** Time one delivery attempt may take, profile lookup and delivery together. */
  messageBudgetMs: number;
  /** @default the global meter provider's notifier meter */
  meter?: Meter;
}

function toNotification(
  event: CloudEvent,
  todo: Record<string, unknown>,
  recipient: UserProfile | null,
): TodoNotification {
  const { id, type, time, source } = event;
  return { kind: "todo", id, type, time, source, todo, recipient };
}

/**
 * Turns each todo event into a notification to its owner: the owner's profile from auth, then
 * the sink, both within one deadline and inside the consumer's process span. An owner auth
 * does not know gets nothing (`notification.skipped`, acknowledged, and counted in
 * `tracemesh_notifications_skipped_total` by kind and reason); any failure throws, so the
 * consumer retries with backoff and dead-letters at the last attempt.
 */
export function createTodoEventHandler(options: TodoEventHandlerOptions): EventHandler {
  const { findProfile, sink, logger, messageBudgetMs } = options;
  const meter = options.meter ?? metrics.getMeter(NOTIFIER_SCOPE);
  const skipped = meter.createCounter("tracemesh.notifications.skipped", {
    description: "Events told to no one, by kind and reason (recipient_not_found).",
    unit: "{notification}",
  });
  return async function handleTodoEvent(event) {
    const deadline = createDeadline(messageBudgetMs);
    try {
      await notify(event, deadline);
    } finally {
      deadline.dispose();
    }
  };

  async function notify(event: CloudEvent, deadline: Deadline): Promise<void> {
    const todo = parseTodoEventData(event.data);
    let recipient: UserProfile | null = null;
    if (todo.ownerId !== undefined) {
      const profile = await findProfile(todo.ownerId, deadline);
      if (profile === undefined) {
        trace.getActiveSpan()?.addEvent("notification.skipped", { reason: "recipient_not_found" });
        skipped.add(1, { "notification.kind": "todo", reason: "recipient_not_found" });
        logger.info("notification.skipped", {
          kind: "todo",
          reason: "recipient_not_found",
          eventId: event.id,
          eventType: event.type,
          ownerId: todo.ownerId,
        });
        return;
      }
      recipient = profile;
    }
    await sink.deliver(toNotification(event, todo, recipient), deadline);
  }
}
