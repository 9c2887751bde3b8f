import { PermanentEventError } from "@tracemesh/queue";
import * as v from "valibot";
import { USER_ID } from "../profiles/user-profile.ts";

/**
 * The part of a todo event's data the notifier relies on: an object, with the owner's id when
 * the producer knows it. Everything else (id, title, completed, version…) is passed through.
 */
export const TodoEventDataSchema = v.looseObject({
  ownerId: v.optional(v.pipe(v.string(), v.regex(USER_ID))),
});

/**
 * The event's data cannot be notified: no retry will change that, so the consumer dead-letters
 * it at its first delivery (a PermanentEventError), and the dead letter keeps it.
 */
export class TodoEventDataError extends PermanentEventError {
  constructor(issues: string[]) {
    super(`todo event data unusable: ${issues.join("; ")}`);
    this.name = "TodoEventDataError";
  }
}

/** The event's data, checked; throws TodoEventDataError. */
export function parseTodoEventData(data: unknown): v.InferOutput<typeof TodoEventDataSchema> {
  const result = v.safeParse(TodoEventDataSchema, data);
  if (result.success) return result.output;
  throw new TodoEventDataError(
    result.issues.map((issue) => `${v.getDotPath(issue) ?? "data"}: ${issue.message}`),
  );
}
