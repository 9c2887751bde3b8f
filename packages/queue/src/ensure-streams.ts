import {
  DiscardPolicy,
  JetStreamApiCodes,
  type JetStreamManager,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
  type StreamInfo,
} from "@nats-io/jetstream";
import { nanos } from "@nats-io/nats-core";
import { isJetStreamApiError } from "./jetstream-api-error.ts";
import { QUEUE_DEFAULTS } from "./topology.ts";

export interface EventStreamsOptions {
  /** @default "TODO_EVENTS" */
  stream?: string;
  /** @default "todo.events" (the stream takes `todo.events.>`) */
  subjectPrefix?: string;
  /** @default "TODO_EVENTS_DLQ" */
  deadLetterStream?: string;
  /** @default "todo.dlq" (the dead-letter stream takes `todo.dlq.>`) */
  deadLetterSubjectPrefix?: string;
  /** How long `Nats-Msg-Id` duplicates are recognised. @default 15 minutes */
  duplicateWindowMs?: number;
  /** @default 7 days */
  maxAgeMs?: number;
  /** @default 30 days */
  deadLetterMaxAgeMs?: number;
  /** @default 1 */
  replicas?: number;
}

export interface EventStreams {
  stream: StreamInfo;
  deadLetter: StreamInfo;
}

type EnsuredStream = Pick<
  StreamConfig,
  "name" | "subjects" | "max_age" | "duplicate_window" | "num_replicas" | "description"
>;

/** Creates the stream, or brings an existing one to this configuration (safe at every start). */
export async function ensureStream(
  jsm: JetStreamManager,
  config: EnsuredStream,
): Promise<StreamInfo> {
  const { name, ...updatable } = config;
  try {
    await jsm.streams.info(name);
  } catch (error) {
    if (!isJetStreamApiError(error, JetStreamApiCodes.StreamNotFound)) throw error;
    try {
      return await jsm.streams.add({
        ...config,
        retention: RetentionPolicy.Limits,
        storage: StorageType.File,
        discard: DiscardPolicy.Old,
      });
    } catch (addError) {
      // Another instance may have created it between our info and add: update it instead.
      if (
        !(await jsm.streams.info(name).then(
          () => true,
          () => false,
        ))
      )
        throw addError;
    }
  }
  return jsm.streams.update(name, updatable);
}

/**
 * The todo event stream (`todo.events.>`, file storage, dedup window) and its dead-letter
 * stream (`todo.dlq.>`), created or updated to this configuration.
 */
export async function ensureEventStreams(
  jsm: JetStreamManager,
  options: EventStreamsOptions = {},
): Promise<EventStreams> {
  const duplicateWindow = nanos(options.duplicateWindowMs ?? QUEUE_DEFAULTS.duplicateWindowMs);
  const replicas = options.replicas ?? 1;
  const stream = await ensureStream(jsm, {
    name: options.stream ?? QUEUE_DEFAULTS.stream,
    subjects: [`${options.subjectPrefix ?? QUEUE_DEFAULTS.subjectPrefix}.>`],
    max_age: nanos(options.maxAgeMs ?? QUEUE_DEFAULTS.maxAgeMs),
    duplicate_window: duplicateWindow,
    num_replicas: replicas,
    description: "Todo CloudEvents, published through the outbox relay",
  });
  const deadLetter = await ensureStream(jsm, {
    name: options.deadLetterStream ?? QUEUE_DEFAULTS.deadLetterStream,
    subjects: [`${options.deadLetterSubjectPrefix ?? QUEUE_DEFAULTS.deadLetterSubjectPrefix}.>`],
    max_age: nanos(options.deadLetterMaxAgeMs ?? QUEUE_DEFAULTS.deadLetterMaxAgeMs),
    duplicate_window: duplicateWindow,
    num_replicas: replicas,
    description: "Todo events that could not be processed, with the reason in headers",
  });
  return { stream, deadLetter };
}
