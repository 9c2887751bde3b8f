import type { JetStreamClient, PubAck } from "@nats-io/jetstream";
import {
  headers as createHeaders,
  InvalidArgumentError,
  InvalidSubjectError,
} from "@nats-io/nats-core";
import { SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { DependencyError } from "@tracemesh/errors";
import { recordRedactedException } from "@tracemesh/telemetry";
import { assertCloudEvent, type CloudEvent } from "./cloud-event.ts";
import { errorMessage, errorType } from "./error-description.ts";
import { isJetStreamApiError } from "./jetstream-api-error.ts";
import {
  ATTR_CLOUDEVENTS_EVENT_ID,
  ATTR_CLOUDEVENTS_EVENT_TYPE,
  ATTR_ERROR_TYPE,
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_MESSAGE_BODY_SIZE,
  ATTR_MESSAGING_MESSAGE_ID,
  ATTR_MESSAGING_OPERATION_NAME,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_SYSTEM,
  ATTR_NATS_DUPLICATE,
  ATTR_NATS_STREAM,
  ATTR_NATS_STREAM_SEQUENCE,
  MESSAGING_SYSTEM_NATS,
  QUEUE_SCOPE,
} from "./messaging-attributes.ts";
import { PermanentEventError } from "./permanent-event-error.ts";
import { injectTraceHeaders } from "./trace-headers.ts";

// JSStreamMessageExceedsMaximumErr: larger than the stream's max_msg_size.
const STREAM_MESSAGE_EXCEEDS_MAXIMUM = 10054;

/**
 * The header carrying the event's `subject` (the todo), as in the CloudEvents binary mode: the
 * events of one subject are handled one after the other (see consumeEvents).
 */
export const ORDERING_KEY_HEADER = "ce-subject";

/** A failure sending the same event again cannot fix, or else the broker's (retryable). */
function publishFailure(cause: unknown): Error {
  // The client refuses what no server would take (larger than max_payload, a bad subject);
  // the stream refuses what is larger than it keeps.
  if (
    cause instanceof InvalidArgumentError ||
    cause instanceof InvalidSubjectError ||
    isJetStreamApiError(cause, STREAM_MESSAGE_EXCEEDS_MAXIMUM)
  ) {
    return new PermanentEventError(`event refused: ${errorMessage(cause)}`, { cause });
  }
  return new DependencyError({ dependency: "nats", cause });
}

export interface PublishEventOptions {
  /** The NATS subject, e.g. `todo.events.created` (see `eventSubject`). */
  subject: string;
  /** How long to wait for the stream's acknowledgement. @default the JetStream client's (5 s) */
  timeoutMs?: number;
  /**
   * Gives up waiting for the acknowledgement when it aborts, as at a timeout, only sooner: e.g.
   * `NatsLink.connectionSignal()`, since an acknowledgement is lost with its connection.
   */
  signal?: AbortSignal;
}

/** `promise`, or the signal's reason once it aborts first; a later failure of `promise` is let go. */
function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(signal.reason);
    if (signal.aborted) abort();
    else signal.addEventListener("abort", abort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", abort));
  });
}

/**
 * Publishes a CloudEvent to JetStream in a PRODUCER span, with `Nats-Msg-Id` = event id
 * (the stream drops duplicates), `ce-subject` = its subject, and the trace context in the
 * headers and the event.
 * Broker failures (no responders, timeout, closed connection) throw DependencyError "nats";
 * an event no broker will take (malformed, too large) throws a PermanentEventError.
 */
export async function publishEvent(
  js: JetStreamClient,
  event: CloudEvent,
  options: PublishEventOptions,
): Promise<PubAck> {
  assertCloudEvent(event);
  const tracer = trace.getTracer(QUEUE_SCOPE);
  const attributes = {
    [ATTR_MESSAGING_SYSTEM]: MESSAGING_SYSTEM_NATS,
    [ATTR_MESSAGING_OPERATION_TYPE]: "send",
    [ATTR_MESSAGING_OPERATION_NAME]: "send",
    [ATTR_MESSAGING_DESTINATION_NAME]: options.subject,
    [ATTR_MESSAGING_MESSAGE_ID]: event.id,
    [ATTR_CLOUDEVENTS_EVENT_ID]: event.id,
    [ATTR_CLOUDEVENTS_EVENT_TYPE]: event.type,
  };
  return tracer.startActiveSpan(
    `send ${options.subject}`,
    { kind: SpanKind.PRODUCER, attributes },
    async (span) => {
      try {
        const headers = injectTraceHeaders(createHeaders());
        // What a consumer keeps in order (the todo), readable without parsing the body.
        if (event.subject !== undefined) headers.set(ORDERING_KEY_HEADER, event.subject);
        const traceparent = headers.get("traceparent") || event.traceparent;
        const tracestate = headers.get("tracestate") || event.tracestate;
        const body = JSON.stringify({ ...event, traceparent, tracestate });
        span.setAttribute(ATTR_MESSAGING_MESSAGE_BODY_SIZE, Buffer.byteLength(body));
        let ack: PubAck;
        try {
          const published = js.publish(options.subject, body, {
            msgID: event.id,
            headers,
            ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs }),
          });
          ack = await unlessAborted(published, options.signal);
        } catch (cause) {
          throw publishFailure(cause);
        }
        span.setAttributes({
          [ATTR_NATS_STREAM]: ack.stream,
          [ATTR_NATS_STREAM_SEQUENCE]: ack.seq,
          [ATTR_NATS_DUPLICATE]: ack.duplicate,
        });
        return ack;
      } catch (error) {
        const wrapped = error instanceof DependencyError || error instanceof PermanentEventError;
        const cause = wrapped && error.cause !== undefined ? error.cause : error;
        recordRedactedException(span, cause);
        span.setAttribute(ATTR_ERROR_TYPE, errorType(cause));
        span.setStatus({ code: SpanStatusCode.ERROR, message: errorType(cause) });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}
