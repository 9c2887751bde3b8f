import { parseEnv } from "@tracemesh/config";
import * as v from "valibot";
import { describe, expect, test } from "vitest";
import { QUEUE_DEFAULTS } from "./topology.ts";
import {
  eventTopology,
  eventTopologyEnvEntries,
  streamTopology,
  streamTopologyEnvEntries,
} from "./topology-env.ts";

// The schemas built the way the publisher (todo-api) and the consumer (notifier) build theirs.
const StreamSchema = v.pipe(v.object(streamTopologyEnvEntries), v.transform(streamTopology));
const EventSchema = v.pipe(v.object(eventTopologyEnvEntries), v.transform(eventTopology));

/** The ConfigError a bad value gives: it names the variable, and says what is wrong without it. */
function refusal(variable: string, issue: RegExp) {
  return expect.objectContaining({
    name: "ConfigError",
    variable,
    message: expect.stringMatching(issue),
  });
}

describe("topology variables", () => {
  test("unset, or set empty as compose writes them, they are the queue's defaults", () => {
    const { stream, subjectPrefix, deadLetterStream, deadLetterSubjectPrefix } = QUEUE_DEFAULTS;
    const streams = { stream, subjectPrefix, deadLetterStream, deadLetterSubjectPrefix };
    expect(parseEnv(StreamSchema, {})).toEqual(streams);
    expect(parseEnv(EventSchema, { EVENTS_STREAM: "", CONSUMER_NAME: "" })).toEqual({
      ...streams,
      consumer: QUEUE_DEFAULTS.consumer,
      processedEventsBucket: QUEUE_DEFAULTS.processedEventsBucket,
    });
  });

  test("set, they are trimmed and taken as they are", () => {
    expect(
      parseEnv(EventSchema, {
        EVENTS_STREAM: " EVENTS ",
        EVENTS_SUBJECT_PREFIX: "acme.todo-events",
        DEAD_LETTER_STREAM: "EVENTS_DLQ",
        DEAD_LETTER_SUBJECT_PREFIX: "acme.dlq",
        CONSUMER_NAME: "notifier-2",
        PROCESSED_EVENTS_BUCKET: "processed_events",
      }),
    ).toEqual({
      stream: "EVENTS",
      subjectPrefix: "acme.todo-events",
      deadLetterStream: "EVENTS_DLQ",
      deadLetterSubjectPrefix: "acme.dlq",
      consumer: "notifier-2",
      processedEventsBucket: "processed_events",
    });
  });

  test.each([
    ["EVENTS_STREAM", "todo.events"],
    ["DEAD_LETTER_STREAM", "a b"],
    ["CONSUMER_NAME", "notifier*"],
    ["PROCESSED_EVENTS_BUCKET", "x".repeat(65)],
    ["EVENTS_STREAM", "   "],
  ])("a name with dots, wildcards, spaces or over 64 characters: %s=%j", (variable, value) => {
    expect(() => parseEnv(EventSchema, { [variable]: value })).toThrow(
      refusal(variable, /^[A-Z_]+ must (be letters, digits, _ or - \(at most 64\)|not be empty)$/),
    );
  });

  test.each([
    ["EVENTS_SUBJECT_PREFIX", "todo.>"],
    ["EVENTS_SUBJECT_PREFIX", "todo.*"],
    ["DEAD_LETTER_SUBJECT_PREFIX", "todo dlq"],
    ["DEAD_LETTER_SUBJECT_PREFIX", "todo..dlq"],
    ["EVENTS_SUBJECT_PREFIX", ".todo"],
  ])("a subject prefix with wildcards or empty tokens: %s=%j", (variable, value) => {
    expect(() => parseEnv(EventSchema, { [variable]: value })).toThrow(
      refusal(variable, /^[A-Z_]+ must be dot-separated tokens, no wildcards$/),
    );
  });
});
