import { type Context, context } from "@opentelemetry/api";
import {
  captureTraceCarrier,
  createCloudEvent,
  eventSubject,
  type OutboxRecord,
  QUEUE_DEFAULTS,
} from "@tracemesh/queue";
import type { Todo } from "../storage/todo.ts";

/** The CloudEvents `source` of every todo event. */
export const TODO_EVENT_SOURCE = "/todo-api";

/** `data` of todo.created and todo.updated: the todo as it is after the change. */
export interface TodoEventData {
  id: string;
  title: string;
  completed: boolean;
  version: number;
  ownerId?: string;
  createdAt: string;
  updatedAt: string;
}

/** `data` of todo.deleted: which todo, whose, at which version. */
export interface TodoDeletedEventData {
  id: string;
  version: number;
  ownerId?: string;
}

type ChangedTodo = Pick<Todo, "id" | "title" | "completed" | "version" | "createdAt" | "updatedAt">;

export interface TodoEventOptions {
  /** Must match the stream's subject prefix. @default "todo.events" */
  subjectPrefix?: string;
  /** Whose trace the event continues. @default the active context (the request's) */
  ctx?: Context;
}

/** A todo's owner, when the todo has one (null and absent alike mean none). */
type Owned = { ownerId?: string | null };

function withOwner<T extends object>(data: T, ownerId: string | null | undefined): T {
  return ownerId === undefined || ownerId === null ? data : { ...data, ownerId };
}

/**
 * The outbox record of a todo change: a CloudEvent (id = record id = Nats-Msg-Id, subject =
 * the todo id) and the trace context of the request that made the change.
 */
export function todoEvent(
  type: "todo.created" | "todo.updated",
  todo: ChangedTodo & Owned,
  options?: TodoEventOptions,
): OutboxRecord;
export function todoEvent(
  type: "todo.deleted",
  todo: Pick<Todo, "id" | "version"> & Owned,
  options?: TodoEventOptions,
): OutboxRecord;
export function todoEvent(
  type: "todo.created" | "todo.updated" | "todo.deleted",
  todo: (ChangedTodo | Pick<Todo, "id" | "version">) & Owned,
  options: TodoEventOptions = {},
): OutboxRecord {
  const { subjectPrefix = QUEUE_DEFAULTS.subjectPrefix, ctx = context.active() } = options;
  const event =
    type === "todo.deleted" || !("title" in todo)
      ? createCloudEvent<TodoDeletedEventData>({
          type,
          source: TODO_EVENT_SOURCE,
          subject: todo.id,
          data: withOwner({ id: todo.id, version: todo.version }, todo.ownerId),
        })
      : createCloudEvent<TodoEventData>({
          type,
          source: TODO_EVENT_SOURCE,
          subject: todo.id,
          // The moment the database recorded the change, not when the event was built.
          time: todo.updatedAt,
          data: withOwner(
            {
              id: todo.id,
              title: todo.title,
              completed: todo.completed,
              version: todo.version,
              createdAt: todo.createdAt.toISOString(),
              updatedAt: todo.updatedAt.toISOString(),
            },
            todo.ownerId,
          ),
        });
  return {
    id: event.id,
    subject: eventSubject(type, subjectPrefix),
    event,
    ...captureTraceCarrier(ctx),
  };
}
