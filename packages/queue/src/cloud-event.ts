import { randomUUID } from "node:crypto";
import * as v from "valibot";
import { PermanentEventError } from "./permanent-event-error.ts";

export const TODO_EVENT_TYPES = ["todo.created", "todo.updated", "todo.deleted"] as const;
export type TodoEventType = (typeof TODO_EVENT_TYPES)[number];

const TRACEPARENT = /^[\da-f]{2}-[\da-f]{32}-[\da-f]{16}-[\da-f]{2}$/;

/** CloudEvents 1.0 structured JSON with the distributed tracing extension. */
export const CloudEventSchema = v.object({
  specversion: v.literal("1.0"),
  id: v.pipe(v.string(), v.uuid()),
  source: v.pipe(v.string(), v.minLength(1)),
  type: v.picklist(TODO_EVENT_TYPES),
  time: v.pipe(v.string(), v.isoTimestamp()),
  subject: v.optional(v.pipe(v.string(), v.minLength(1))),
  datacontenttype: v.literal("application/json"),
  data: v.pipe(
    v.unknown(),
    v.check((data) => data !== undefined, "data is required"),
  ),
  traceparent: v.optional(v.pipe(v.string(), v.regex(TRACEPARENT))),
  tracestate: v.optional(v.string()),
});

export type CloudEvent<TData = unknown> = Omit<v.InferOutput<typeof CloudEventSchema>, "data"> & {
  data: TData;
};

export interface CreateCloudEventInput<TData> {
  type: TodoEventType;
  source: string;
  data: TData;
  subject?: string;
  /** @default a random UUID */
  id?: string;
  /** @default now */
  time?: Date;
}

/** Thrown when bytes or a value are not a CloudEvent this package understands: permanent. */
export class MalformedEventError extends PermanentEventError {
  readonly issues: string[];

  constructor(issues: string[], options?: ErrorOptions) {
    super(`malformed CloudEvent: ${issues.join("; ")}`, options);
    this.name = "MalformedEventError";
    this.issues = issues;
  }
}

/** Builds a CloudEvents 1.0 envelope for a todo event, with a fresh id and time. */
export function createCloudEvent<TData>(input: CreateCloudEventInput<TData>): CloudEvent<TData> {
  const event: CloudEvent<TData> = {
    specversion: "1.0",
    id: input.id ?? randomUUID(),
    source: input.source,
    type: input.type,
    time: (input.time ?? new Date()).toISOString(),
    datacontenttype: "application/json",
    data: input.data,
  };
  if (input.subject !== undefined) event.subject = input.subject;
  return assertCloudEvent(event);
}

/** Validates a value as a CloudEvent; throws MalformedEventError naming each issue. */
export function assertCloudEvent<TData>(value: CloudEvent<TData>): CloudEvent<TData>;
export function assertCloudEvent(value: unknown): CloudEvent;
export function assertCloudEvent(value: unknown): CloudEvent {
  const result = v.safeParse(CloudEventSchema, value);
  if (!result.success) {
    throw new MalformedEventError(
      result.issues.map((issue) => {
        const path = v.getDotPath(issue);
        return path ? `${path}: ${issue.message}` : issue.message;
      }),
    );
  }
  return result.output as CloudEvent;
}

/** Parses a message body (UTF-8 JSON) into a CloudEvent; throws MalformedEventError. */
export function parseCloudEvent(body: Uint8Array | string): CloudEvent {
  const text = typeof body === "string" ? body : new TextDecoder().decode(body);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new MalformedEventError(["body is not JSON"], { cause: error });
  }
  return assertCloudEvent(value);
}
