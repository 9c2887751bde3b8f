import type { JsMsg } from "@nats-io/jetstream";
import {
  type Attributes,
  type Context,
  isSpanContextValid,
  type Link,
  trace,
} from "@opentelemetry/api";
import type { CloudEvent } from "./cloud-event.ts";
import {
  ATTR_CLOUDEVENTS_EVENT_ID,
  ATTR_CLOUDEVENTS_EVENT_TYPE,
  ATTR_DELIVERY_COUNT,
  ATTR_MESSAGING_CONSUMER_GROUP_NAME,
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_MESSAGE_BODY_SIZE,
  ATTR_MESSAGING_MESSAGE_ID,
  ATTR_MESSAGING_OPERATION_NAME,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_SYSTEM,
  ATTR_NATS_STREAM,
  ATTR_NATS_STREAM_SEQUENCE,
  MESSAGING_SYSTEM_NATS,
} from "./messaging-attributes.ts";
import { extractTraceContext } from "./trace-headers.ts";

/** How one delivered message shows up in its span, its metrics and its log lines. */
export interface MessageTelemetry {
  /** The producer's context: the process span's parent. */
  parent: Context;
  /** A link to the producer's span, when the message carried one. */
  links: Link[];
  spanAttributes: Attributes;
  /** Low-cardinality attributes for metrics. */
  metricAttributes: Attributes;
  logFields: Record<string, unknown>;
}

/** Describes a delivered message (parsed or not) for tracing, metrics and logs. */
export function describeMessage(
  msg: JsMsg,
  event: CloudEvent | undefined,
  consumer: string,
): MessageTelemetry {
  const parent = extractTraceContext(msg.headers, event);
  const producer = trace.getSpanContext(parent);
  const links = producer && isSpanContextValid(producer) ? [{ context: producer }] : [];
  const metricAttributes = {
    [ATTR_MESSAGING_SYSTEM]: MESSAGING_SYSTEM_NATS,
    [ATTR_MESSAGING_DESTINATION_NAME]: msg.subject,
    [ATTR_MESSAGING_CONSUMER_GROUP_NAME]: consumer,
  };
  const messageId = event?.id ?? (msg.headers?.get("Nats-Msg-Id") || undefined);
  const spanAttributes: Attributes = {
    ...metricAttributes,
    [ATTR_MESSAGING_OPERATION_TYPE]: "process",
    [ATTR_MESSAGING_OPERATION_NAME]: "process",
    [ATTR_MESSAGING_MESSAGE_BODY_SIZE]: msg.data.length,
    [ATTR_DELIVERY_COUNT]: msg.info.deliveryCount,
    [ATTR_NATS_STREAM]: msg.info.stream,
    [ATTR_NATS_STREAM_SEQUENCE]: msg.info.streamSequence,
  };
  if (messageId) spanAttributes[ATTR_MESSAGING_MESSAGE_ID] = messageId;
  if (event) {
    spanAttributes[ATTR_CLOUDEVENTS_EVENT_ID] = event.id;
    spanAttributes[ATTR_CLOUDEVENTS_EVENT_TYPE] = event.type;
  }
  const logFields = {
    eventId: messageId,
    subject: msg.subject,
    consumer,
    deliveryCount: msg.info.deliveryCount,
    streamSequence: msg.info.streamSequence,
  };
  return { parent, links, spanAttributes, metricAttributes, logFields };
}
