import type { JetStreamClient, JsMsg } from "@nats-io/jetstream";
import type { MsgHdrs } from "@nats-io/nats-core";
import { type Attributes, type Span, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { type CloudEvent, MalformedEventError, parseCloudEvent } from "./cloud-event.ts";
import { type DeadLetterReason, publishDeadLetter } from "./dead-letter.ts";
import { errorMessage, errorType } from "./error-description.ts";
import { describeMessage } from "./message-telemetry.ts";
import {
  ATTR_DEAD_LETTER_REASON,
  ATTR_ERROR_TYPE,
  ATTR_MESSAGE_OUTCOME,
  QUEUE_SCOPE,
} from "./messaging-attributes.ts";
import type { ProcessedEventStore } from "./processed-event-store.ts";
import type { QueueLogger } from "./queue-logger.ts";
import type { QueueMetrics } from "./queue-metrics.ts";
import { redeliveryDelay, withAckHeartbeat } from "./redelivery.ts";

/** Where and how often a message was delivered, for handlers that care. */
export interface Delivery {
  subject: string;
  deliveryCount: number;
  streamSequence: number;
  headers: MsgHdrs | undefined;
}

/** Handles one event; throwing asks for a redelivery (with backoff) or, at the end, the DLQ. */
export type EventHandler = (event: CloudEvent, delivery: Delivery) => Promise<void>;

export type MessageOutcome = "ack" | "duplicate" | "retry" | "dead_letter";

export interface ProcessMessageOptions {
  js: JetStreamClient;
  consumer: string;
  handler: EventHandler;
  maxDeliver: number;
  backoffMs: readonly number[];
  deadLetterSubjectPrefix: string;
  /** How often to tell the server the handler is still working (ack_wait / 2). */
  heartbeatMs: number;
  metrics: QueueMetrics;
  logger?: QueueLogger | undefined;
  processedEvents?: ProcessedEventStore | undefined;
}

interface Processing {
  msg: JsMsg;
  span: Span;
  options: ProcessMessageOptions;
  fields: Record<string, unknown>;
  metricAttributes: Attributes;
}

function recordFailure(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
  span.setAttribute(ATTR_ERROR_TYPE, errorType(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: errorMessage(error) });
}

function retry(p: Processing, error: unknown): MessageOutcome {
  const delayMs = redeliveryDelay(p.options.backoffMs, p.msg.info.deliveryCount);
  p.msg.nak(delayMs);
  p.options.logger?.warn("queue.message.retry", {
    ...p.fields,
    retryInMs: delayMs,
    error,
  });
  return "retry";
}

async function deadLetter(
  p: Processing,
  reason: DeadLetterReason,
  error: unknown,
): Promise<MessageOutcome> {
  const { js, deadLetterSubjectPrefix, metrics, logger } = p.options;
  recordFailure(p.span, error);
  try {
    await publishDeadLetter(js, p.msg, {
      subjectPrefix: deadLetterSubjectPrefix,
      reason,
      error: errorMessage(error),
    });
  } catch (publishError) {
    logger?.error("queue.dead_letter.failed", {
      ...p.fields,
      reason,
      error: publishError,
    });
    return retry(p, publishError);
  }
  p.msg.term();
  p.span.setAttribute(ATTR_DEAD_LETTER_REASON, reason);
  metrics.deadLettered.add(1, { ...p.metricAttributes, [ATTR_DEAD_LETTER_REASON]: reason });
  logger?.error("queue.message.dead_lettered", { ...p.fields, reason, error });
  return "dead_letter";
}

async function handle(p: Processing, event: CloudEvent): Promise<MessageOutcome> {
  const { msg, options } = p;
  const { deliveryCount } = msg.info;
  try {
    if (await options.processedEvents?.has(event.id)) {
      msg.ack();
      options.metrics.acked.add(1, p.metricAttributes);
      options.logger?.info("queue.message.duplicate", p.fields);
      return "duplicate";
    }
    const delivery = {
      subject: msg.subject,
      deliveryCount,
      streamSequence: msg.info.streamSequence,
      headers: msg.headers,
    };
    await withAckHeartbeat(msg, options.heartbeatMs, () => options.handler(event, delivery));
  } catch (error) {
    if (deliveryCount >= options.maxDeliver) return deadLetter(p, "handler_failed", error);
    recordFailure(p.span, error);
    return retry(p, error);
  }
  try {
    await options.processedEvents?.markProcessed(event.id);
  } catch (error) {
    options.logger?.warn("queue.idempotency.mark_failed", { ...p.fields, error });
  }
  msg.ack();
  options.metrics.acked.add(1, p.metricAttributes);
  return "ack";
}

async function settle(
  p: Processing,
  event: CloudEvent | undefined,
  malformed: unknown,
): Promise<MessageOutcome> {
  const { deliveryCount } = p.msg.info;
  if (event === undefined) return deadLetter(p, "malformed", malformed);
  if (deliveryCount > p.options.maxDeliver) {
    const error = new Error(`delivered ${deliveryCount} times without acknowledgement`);
    return deadLetter(p, "max_deliver_exceeded", error);
  }
  return handle(p, event);
}

/**
 * Processes one delivered message in a CONSUMER span that is the child of the producer's span
 * and links to it: parse, skip if already processed, run the handler, then ack, nak with
 * backoff, or dead-letter (malformed, or failing at the last allowed delivery) and term.
 */
export async function processMessage(
  msg: JsMsg,
  options: ProcessMessageOptions,
): Promise<MessageOutcome> {
  const started = performance.now();
  let event: CloudEvent | undefined;
  let malformed: unknown;
  try {
    event = parseCloudEvent(msg.data);
  } catch (error) {
    malformed =
      error instanceof MalformedEventError ? error : new MalformedEventError([errorMessage(error)]);
  }
  const { parent, links, spanAttributes, metricAttributes, logFields } = describeMessage(
    msg,
    event,
    options.consumer,
  );
  const tracer = trace.getTracer(QUEUE_SCOPE);
  const spanOptions = { kind: SpanKind.CONSUMER, attributes: spanAttributes, links };
  return tracer.startActiveSpan(`process ${msg.subject}`, spanOptions, parent, async (span) => {
    options.metrics.consumed.add(1, metricAttributes);
    if (msg.info.deliveryCount > 1) options.metrics.redelivered.add(1, metricAttributes);
    let outcome: MessageOutcome = "retry";
    try {
      outcome = await settle(
        { msg, span, options, fields: logFields, metricAttributes },
        event,
        malformed,
      );
      return outcome;
    } finally {
      span.setAttribute(ATTR_MESSAGE_OUTCOME, outcome);
      span.end();
      const seconds = (performance.now() - started) / 1000;
      options.metrics.processDuration.record(seconds, {
        ...metricAttributes,
        [ATTR_MESSAGE_OUTCOME]: outcome,
      });
    }
  });
}
