import { randomUUID } from "node:crypto";
import {
  type JetStreamClient,
  type JetStreamManager,
  jetstream,
  jetstreamManager,
  type StoredMsg,
} from "@nats-io/jetstream";
import { connect, headers, type NatsConnection } from "@nats-io/transport-node";
import type { CloudEvent } from "@tracemesh/queue";
import type { TodoTopology } from "../events/todo-consumer.ts";

/** The shared NATS server of `*.nats.test.ts`: a test fails (never skips) when it is absent. */
export const NATS_URL = process.env.NATS_URL ?? "127.0.0.1:4222";

export interface NatsTestContext {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
}

export async function connectNats(): Promise<NatsTestContext> {
  const nc = await connect({ servers: NATS_URL });
  return { nc, js: jetstream(nc), jsm: await jetstreamManager(nc) };
}

/** Unique names, so parallel tests never share a stream, a consumer or a bucket. */
export function testTopology(): TodoTopology {
  const id = randomUUID().replaceAll("-", "").slice(0, 10);
  return {
    stream: `N_${id.toUpperCase()}`,
    subjectPrefix: `n${id}.events`,
    deadLetterStream: `N_${id.toUpperCase()}_DLQ`,
    deadLetterSubjectPrefix: `n${id}.dlq`,
    consumer: `notifier_${id}`,
    processedEventsBucket: `processed_${id}`,
  };
}

/** The same names as the notifier's environment variables. */
export function topologyEnv(topology: TodoTopology): Record<string, string> {
  return {
    EVENTS_STREAM: topology.stream,
    EVENTS_SUBJECT_PREFIX: topology.subjectPrefix,
    DEAD_LETTER_STREAM: topology.deadLetterStream,
    DEAD_LETTER_SUBJECT_PREFIX: topology.deadLetterSubjectPrefix,
    CONSUMER_NAME: topology.consumer,
    PROCESSED_EVENTS_BUCKET: topology.processedEventsBucket,
  };
}

/** Removes the streams and the KV bucket of a test topology. */
export async function deleteTopology(jsm: JetStreamManager, topology: TodoTopology) {
  const streams = [
    topology.stream,
    topology.deadLetterStream,
    `KV_${topology.processedEventsBucket}`,
  ];
  for (const name of streams) await jsm.streams.delete(name).catch(() => false);
}

/**
 * Publishes an event as a traced producer would: `Nats-Msg-Id` = `msgId` (the event id unless
 * told otherwise) and the given traceparent in the headers and the CloudEvents extension.
 */
export async function publishTraced(
  js: JetStreamClient,
  subject: string,
  event: CloudEvent,
  options: { traceparent: string; msgId?: string },
) {
  const hdrs = headers();
  hdrs.set("traceparent", options.traceparent);
  const body = JSON.stringify({ ...event, traceparent: options.traceparent });
  return js.publish(subject, body, { msgID: options.msgId ?? event.id, headers: hdrs });
}

/** Every message of a stream, oldest first. */
export async function storedMessages(jsm: JetStreamManager, stream: string): Promise<StoredMsg[]> {
  const info = await jsm.streams.info(stream);
  const stored: StoredMsg[] = [];
  if (info.state.messages === 0) return stored;
  for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
    const msg = await jsm.streams.getMessage(stream, { seq }).catch(() => null);
    if (msg) stored.push(msg);
  }
  return stored;
}

/** Whether the consumer has nothing left: every message delivered and acknowledged. */
export async function consumerSettled(nats: NatsTestContext, topology: TodoTopology) {
  const info = await nats.jsm.consumers.info(topology.stream, topology.consumer);
  return info.num_pending === 0 && info.num_ack_pending === 0;
}

export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A W3C traceparent with fresh ids, as a producer's span would write it. */
export function newTraceparent(): { traceparent: string; traceId: string; spanId: string } {
  const traceId = randomUUID().replaceAll("-", "");
  const spanId = randomUUID().replaceAll("-", "").slice(0, 16);
  return { traceparent: `00-${traceId}-${spanId}-01`, traceId, spanId };
}
