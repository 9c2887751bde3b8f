import type { TodoEventType } from "@tracemesh/queue";
import type { ExampleTrace } from "../alerts/example-trace.ts";
import type { UserProfile } from "../profiles/user-profile.ts";

/** A todo event, told to the todo's owner. */
export interface TodoNotification {
  kind: "todo";
  /** The event id: the webhook's Idempotency-Key, so a receiver can drop a repeat. */
  id: string;
  type: TodoEventType;
  /** When the change happened (the event's time). */
  time: string;
  source: string;
  /** The event's data as the producer wrote it (id, title, completed, version, ownerId…). */
  todo: Record<string, unknown>;
  /** The owner's profile; null for an event that names no owner. */
  recipient: UserProfile | null;
}

/** One alert of an Alertmanager notification, with its status, labels and annotations. */
export interface AlertNotification {
  kind: "alert";
  /** fingerprint:status:startsAt, the same for every resend of this alert in this status. */
  id: string;
  status: "firing" | "resolved";
  labels: Record<string, string>;
  /** One line: what is wrong (the rule's `summary`, or the alert's name). */
  summary: string;
  /** What was measured, with the value (the rule's `description`). */
  description: string;
  /** What to do: `docs/runbooks/<alert>.md` in the repository. */
  runbookUrl: string | null;
  /** A failing request of the alert's service, for an error alert that is firing. */
  exampleTrace: ExampleTrace | null;
  /** The rule's other annotations. */
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  fingerprint: string;
  receiver: string;
  externalURL: string;
  /** Alerts of the same group Alertmanager left out (its `max_alerts`): 0 when none. */
  truncatedAlerts: number;
}

export type Notification = TodoNotification | AlertNotification;

export type NotificationKind = Notification["kind"];
