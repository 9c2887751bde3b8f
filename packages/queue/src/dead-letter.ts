import { type JetStreamClient, type JsMsg, type PubAck, PubHeaders } from "@nats-io/jetstream";
import { headers as createHeaders } from "@nats-io/nats-core";
import { DependencyError } from "@tracemesh/errors";

/**
 * Why a message was moved to the dead-letter stream: its handler failed at every attempt, its
 * body is no CloudEvent, its handler said no retry can help (a PermanentEventError), it came
 * back more often than the handler may run (its consumer died while handling it), or its event
 * could not be claimed (the claims bucket away) at the server's last delivery.
 */
export type DeadLetterReason =
  | "handler_failed"
  | "malformed"
  | "unprocessable"
  | "max_deliver_exceeded"
  | "claim_failed";

/** Headers a dead-lettered message carries besides the original ones (trace headers included). */
export const DEAD_LETTER_HEADERS = {
  reason: "Tracemesh-Dead-Letter-Reason",
  error: "Tracemesh-Dead-Letter-Error",
  attempts: "Tracemesh-Dead-Letter-Attempts",
  subject: "Tracemesh-Dead-Letter-Subject",
  stream: "Tracemesh-Dead-Letter-Stream",
  streamSequence: "Tracemesh-Dead-Letter-Stream-Sequence",
  consumer: "Tracemesh-Dead-Letter-Consumer",
  time: "Tracemesh-Dead-Letter-Time",
} as const;

const MAX_ERROR_LENGTH = 512;

export interface DeadLetterOptions {
  /** Dead-letter subjects are `<prefix>.<original subject>`. */
  subjectPrefix: string;
  reason: DeadLetterReason;
  /** What went wrong, on one line: the handler's error message or the parse issues. */
  error: string;
  timeoutMs?: number;
}

/** The dead-letter subject of a message: `todo.dlq` + `todo.events.created`. */
export function deadLetterSubject(prefix: string, subject: string): string {
  return `${prefix}.${subject}`;
}

/**
 * Copies a message to the dead-letter stream with its body and headers untouched (so its
 * traceparent and Nats-Msg-Id survive: a second copy of the same message is deduplicated)
 * plus the reason, the error and the attempts. Broker failures throw DependencyError "nats".
 */
export async function publishDeadLetter(
  js: JetStreamClient,
  msg: JsMsg,
  options: DeadLetterOptions,
): Promise<PubAck> {
  const headers = createHeaders();
  for (const [key, values] of msg.headers ?? []) {
    for (const value of values) headers.append(key, value);
  }
  // A copy of a message without an id of its own is still deduplicated by its stream position.
  if (!headers.has(PubHeaders.MsgIdHdr)) {
    headers.set(PubHeaders.MsgIdHdr, `${msg.info.stream}.${msg.info.streamSequence}`);
  }
  const error = options.error.replace(/[\r\n]+/g, " ").slice(0, MAX_ERROR_LENGTH);
  headers.set(DEAD_LETTER_HEADERS.reason, options.reason);
  headers.set(DEAD_LETTER_HEADERS.error, error);
  headers.set(DEAD_LETTER_HEADERS.attempts, String(msg.info.deliveryCount));
  headers.set(DEAD_LETTER_HEADERS.subject, msg.subject);
  headers.set(DEAD_LETTER_HEADERS.stream, msg.info.stream);
  headers.set(DEAD_LETTER_HEADERS.streamSequence, String(msg.info.streamSequence));
  headers.set(DEAD_LETTER_HEADERS.consumer, msg.info.consumer);
  headers.set(DEAD_LETTER_HEADERS.time, new Date().toISOString());
  try {
    return await js.publish(deadLetterSubject(options.subjectPrefix, msg.subject), msg.data, {
      headers,
      ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs }),
    });
  } catch (cause) {
    throw new DependencyError({ dependency: "nats", cause });
  }
}
