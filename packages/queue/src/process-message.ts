import type { JetStreamClient, JsMsg } from "@nats-io/jetstream";
import type { MsgHdrs } from "@nats-io/nats-core";
import { type Attributes, type Span, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { recordRedactedException } from "@tracemesh/telemetry";
import { type ClaimHold, holdClaim } from "./claim-hold.ts";
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
import { PermanentEventError } from "./permanent-event-error.ts";
import type { EventClaim, ProcessedEventStore } from "./processed-event-store.ts";
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

/**
 * Handles one event. Throwing asks for a redelivery (with backoff) or, at the last attempt,
 * the dead-letter stream; throwing a PermanentEventError dead-letters the event at once.
 */
export type EventHandler = (event: CloudEvent, delivery: Delivery) => Promise<void>;

/**
 * How a delivery ended: `deferred` when another delivery of the same event held its claim,
 * `stranded` when the server will not deliver it again and the dead-letter stream refused it.
 */
export type MessageOutcome =
  | "ack"
  | "duplicate"
  | "deferred"
  | "retry"
  | "dead_letter"
  | "stranded";

export interface ProcessMessageOptions {
  js: JetStreamClient;
  consumer: string;
  handler: EventHandler;
  maxDeliver: number;
  /** The consumer's max_deliver on the server: no delivery comes after this one (-1: none). */
  serverMaxDeliver: number;
  backoffMs: readonly number[];
  deadLetterSubjectPrefix: string;
  /** How often to tell the server the handler is still working (ack_wait / 2). */
  heartbeatMs: number;
  metrics: QueueMetrics;
  logger?: QueueLogger | undefined;
  processedEvents?: ProcessedEventStore | undefined;
  /** Whose claims this consumer's are: unique per consumer instance. */
  claimHolder: string;
}

interface Processing {
  msg: JsMsg;
  span: Span;
  options: ProcessMessageOptions;
  fields: Record<string, unknown>;
  metricAttributes: Attributes;
}

function recordFailure(span: Span, error: unknown): void {
  recordRedactedException(span, error);
  span.setAttribute(ATTR_ERROR_TYPE, errorType(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: errorMessage(error) });
}

function retry(p: Processing, error: unknown): MessageOutcome {
  const delayMs = redeliveryDelay(p.options.backoffMs, p.msg.info.deliveryCount, error);
  p.msg.nak(delayMs);
  p.options.logger?.warn("queue.message.retry", { ...p.fields, retryInMs: delayMs, error });
  return "retry";
}

/** Whether the server will not deliver `msg` again (its max_deliver, when it has one). */
export function isLastServerDelivery(msg: JsMsg, serverMaxDeliver: number): boolean {
  return serverMaxDeliver > 0 && msg.info.deliveryCount >= serverMaxDeliver;
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
    metrics.deadLetterFailures.add(1, p.metricAttributes);
    if (isLastServerDelivery(p.msg, p.options.serverMaxDeliver)) {
      // Neither acked nor dead-lettered, and never delivered again: it stays in the stream
      // (until max_age) and only this line and the metric say where.
      metrics.stranded.add(1, p.metricAttributes);
      logger?.error("queue.message.stranded", {
        ...p.fields,
        stream: p.msg.info.stream,
        reason,
        error: publishError,
      });
      return "stranded";
    }
    logger?.error("queue.dead_letter.failed", { ...p.fields, reason, error: publishError });
    return retry(p, publishError);
  }
  p.msg.term();
  p.span.setAttribute(ATTR_DEAD_LETTER_REASON, reason);
  metrics.deadLettered.add(1, { ...p.metricAttributes, [ATTR_DEAD_LETTER_REASON]: reason });
  logger?.error("queue.message.dead_lettered", { ...p.fields, reason, error });
  return "dead_letter";
}

function ack(p: Processing, outcome: "ack" | "duplicate"): MessageOutcome {
  p.msg.ack();
  p.options.metrics.acked.add(1, p.metricAttributes);
  if (outcome === "duplicate") p.options.logger?.info("queue.message.duplicate", p.fields);
  return outcome;
}

function defer(p: Processing, held: Extract<EventClaim, { status: "held" }>): MessageOutcome {
  // Not a failure of this delivery: the holder settles the event, or its claim goes stale.
  p.msg.nak(held.retryInMs);
  p.options.logger?.info("queue.message.deferred", {
    ...p.fields,
    holder: held.holder,
    retryInMs: held.retryInMs,
  });
  return "deferred";
}

async function deliver(p: Processing, event: CloudEvent, hold: ClaimHold): Promise<MessageOutcome> {
  const { msg, options } = p;
  const { deliveryCount } = msg.info;
  const delivery = {
    subject: msg.subject,
    deliveryCount,
    streamSequence: msg.info.streamSequence,
    headers: msg.headers,
  };
  try {
    await withAckHeartbeat(msg, options.heartbeatMs, () => options.handler(event, delivery));
  } catch (error) {
    await hold.release();
    if (error instanceof PermanentEventError) return deadLetter(p, "unprocessable", error);
    if (deliveryCount >= options.maxDeliver) return deadLetter(p, "handler_failed", error);
    recordFailure(p.span, error);
    return retry(p, error);
  }
  await hold.recordDelivered();
  return ack(p, "ack");
}

async function settle(
  p: Processing,
  event: CloudEvent | undefined,
  malformed: unknown,
): Promise<MessageOutcome> {
  if (event === undefined) return deadLetter(p, "malformed", malformed);
  const { processedEvents, claimHolder, maxDeliver } = p.options;
  let claim: EventClaim | undefined;
  try {
    // Claimed before the handler runs, atomically: of two copies handled at once, one waits.
    claim = await processedEvents?.claim(event.id, claimHolder);
  } catch (error) {
    // A nak at the server's last delivery would leave the message in the stream, never
    // delivered again and counted nowhere: the claims bucket has been away for the whole
    // redelivery schedule, and the message goes where every last delivery that fails goes.
    if (isLastServerDelivery(p.msg, p.options.serverMaxDeliver))
      return deadLetter(p, "claim_failed", error);
    recordFailure(p.span, error);
    return retry(p, error);
  }
  if (claim?.status === "delivered") return ack(p, "duplicate");
  const { deliveryCount } = p.msg.info;
  if (claim?.status === "held") {
    // Deferred at the server's last delivery, it would be stranded and counted nowhere: it
    // goes where any message delivered too often goes (its holder may still deliver the event).
    if (!isLastServerDelivery(p.msg, p.options.serverMaxDeliver)) return defer(p, claim);
    const error = new Error(
      `delivered ${deliveryCount} times without acknowledgement, its event still claimed by ${claim.holder}`,
    );
    return deadLetter(p, "max_deliver_exceeded", error);
  }
  const hold = holdClaim(processedEvents, event.id, claim, p.options.logger, p.fields);
  if (deliveryCount > maxDeliver) {
    await hold.release();
    const error = new Error(`delivered ${deliveryCount} times without acknowledgement`);
    return deadLetter(p, "max_deliver_exceeded", error);
  }
  return deliver(p, event, hold);
}

/**
 * Processes one delivered message in a CONSUMER span that is the child of the producer's span
 * and links to it: parse, claim the event id, run the handler, then ack, nak with backoff, or
 * dead-letter (malformed, unprocessable, or failing at the last allowed delivery) and term.
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
