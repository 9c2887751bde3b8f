export {
  assertCloudEvent,
  type CloudEvent,
  CloudEventSchema,
  type CreateCloudEventInput,
  createCloudEvent,
  MalformedEventError,
  parseCloudEvent,
  TODO_EVENT_TYPES,
  type TodoEventType,
} from "./cloud-event.ts";
export { type ConsumeEventsOptions, consumeEvents, type EventConsumer } from "./consume-events.ts";
export {
  DEAD_LETTER_HEADERS,
  type DeadLetterReason,
  deadLetterSubject,
} from "./dead-letter.ts";
export { type EventConsumerOptions, ensureEventConsumer } from "./ensure-consumer.ts";
export {
  type EventStreams,
  type EventStreamsOptions,
  ensureEventStreams,
} from "./ensure-streams.ts";
export {
  type KeepNatsConnectedOptions,
  keepNatsConnected,
  type NatsLink,
} from "./keep-nats-connected.ts";
export {
  createOutboxRelay,
  type OutboxFlushResult,
  type OutboxPublish,
  type OutboxRecord,
  type OutboxRelay,
  type OutboxRelayOptions,
  type OutboxSource,
} from "./outbox-relay.ts";
export { PermanentEventError } from "./permanent-event-error.ts";
export type { Delivery, EventHandler, MessageOutcome } from "./process-message.ts";
export {
  createProcessedEventStore,
  type EventClaim,
  type ProcessedEventStore,
  type ProcessedEventStoreOptions,
} from "./processed-event-store.ts";
export { type PublishEventOptions, publishEvent } from "./publish-event.ts";
export type { QueueLogger } from "./queue-logger.ts";
export {
  type EventTopology,
  eventSubject,
  QUEUE_DEFAULTS,
  type StreamTopology,
} from "./topology.ts";
export {
  type EventTopologyEnv,
  eventTopology,
  eventTopologyEnvEntries,
  type StreamTopologyEnv,
  streamTopology,
  streamTopologyEnvEntries,
} from "./topology-env.ts";
export {
  captureTraceCarrier,
  contextFromCarrier,
  extractTraceContext,
  injectTraceHeaders,
  type TraceCarrier,
} from "./trace-headers.ts";
export { withoutTracing } from "./without-tracing.ts";
