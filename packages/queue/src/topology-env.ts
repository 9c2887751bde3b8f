import { envText } from "@tracemesh/config";
import * as v from "valibot";
import { type EventTopology, QUEUE_DEFAULTS, type StreamTopology } from "./topology.ts";

// Like every variable's (@tracemesh/config), their messages never echo the value.

/** A JetStream stream, consumer or KV bucket name: no dots, wildcards or spaces. */
function envNatsName(fallback: string) {
  return v.pipe(
    envText(fallback),
    v.regex(/^[A-Za-z0-9_-]{1,64}$/, "must be letters, digits, _ or - (at most 64)"),
  );
}

/** A subject prefix: dot-separated tokens without wildcards (the stream takes `<prefix>.>`). */
function envSubjectPrefix(fallback: string) {
  return v.pipe(
    envText(fallback),
    v.regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, "must be dot-separated tokens, no wildcards"),
  );
}

/**
 * The variables naming the event streams, to spread into a service's env schema: the publisher
 * (todo-api) and the consumer (notifier) read the same ones, so they cannot disagree.
 */
export const streamTopologyEnvEntries = {
  EVENTS_STREAM: envNatsName(QUEUE_DEFAULTS.stream),
  EVENTS_SUBJECT_PREFIX: envSubjectPrefix(QUEUE_DEFAULTS.subjectPrefix),
  DEAD_LETTER_STREAM: envNatsName(QUEUE_DEFAULTS.deadLetterStream),
  DEAD_LETTER_SUBJECT_PREFIX: envSubjectPrefix(QUEUE_DEFAULTS.deadLetterSubjectPrefix),
};

/** The stream variables plus the consumer's own: its durable name and its claims bucket. */
export const eventTopologyEnvEntries = {
  ...streamTopologyEnvEntries,
  CONSUMER_NAME: envNatsName(QUEUE_DEFAULTS.consumer),
  PROCESSED_EVENTS_BUCKET: envNatsName(QUEUE_DEFAULTS.processedEventsBucket),
};

export type StreamTopologyEnv = v.InferOutput<
  v.ObjectSchema<typeof streamTopologyEnvEntries, undefined>
>;
export type EventTopologyEnv = v.InferOutput<
  v.ObjectSchema<typeof eventTopologyEnvEntries, undefined>
>;

/** The parsed stream variables as a StreamTopology. */
export function streamTopology(env: StreamTopologyEnv): StreamTopology {
  return {
    stream: env.EVENTS_STREAM,
    subjectPrefix: env.EVENTS_SUBJECT_PREFIX,
    deadLetterStream: env.DEAD_LETTER_STREAM,
    deadLetterSubjectPrefix: env.DEAD_LETTER_SUBJECT_PREFIX,
  };
}

/** The parsed topology variables as an EventTopology. */
export function eventTopology(env: EventTopologyEnv): EventTopology {
  return {
    ...streamTopology(env),
    consumer: env.CONSUMER_NAME,
    processedEventsBucket: env.PROCESSED_EVENTS_BUCKET,
  };
}
