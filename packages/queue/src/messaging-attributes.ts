// Messaging semantic conventions are still incubating: their names are copied here, as the
// OpenTelemetry docs advise, instead of importing the unstable entry point.
export const ATTR_MESSAGING_SYSTEM = "messaging.system";
export const ATTR_MESSAGING_OPERATION_TYPE = "messaging.operation.type";
export const ATTR_MESSAGING_OPERATION_NAME = "messaging.operation.name";
export const ATTR_MESSAGING_DESTINATION_NAME = "messaging.destination.name";
export const ATTR_MESSAGING_MESSAGE_ID = "messaging.message.id";
export const ATTR_MESSAGING_MESSAGE_BODY_SIZE = "messaging.message.body.size";
export const ATTR_MESSAGING_CONSUMER_GROUP_NAME = "messaging.consumer.group.name";
export const ATTR_ERROR_TYPE = "error.type";
export const ATTR_CLOUDEVENTS_EVENT_ID = "cloudevents.event_id";
export const ATTR_CLOUDEVENTS_EVENT_TYPE = "cloudevents.event_type";

// NATS has no semantic conventions of its own yet: these are ours.
export const ATTR_DELIVERY_COUNT = "tracemesh.message.delivery_count";
export const ATTR_MESSAGE_OUTCOME = "tracemesh.message.outcome";
export const ATTR_NATS_STREAM = "tracemesh.nats.stream";
export const ATTR_NATS_STREAM_SEQUENCE = "tracemesh.nats.stream_sequence";
export const ATTR_NATS_DUPLICATE = "tracemesh.nats.duplicate";
export const ATTR_DEAD_LETTER_REASON = "tracemesh.dead_letter.reason";

export const MESSAGING_SYSTEM_NATS = "nats";

/** The instrumentation scope of this package's tracer and meter. */
export const QUEUE_SCOPE = "@tracemesh/queue";
