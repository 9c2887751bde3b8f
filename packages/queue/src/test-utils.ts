import { randomUUID } from "node:crypto";
import {
  type JetStreamClient,
  type JetStreamManager,
  jetstream,
  jetstreamManager,
  type StoredMsg,
} from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import { connect, headers, type NatsConnection } from "@nats-io/transport-node";
import { TEST_NATS_URL } from "@tracemesh/testing";
import { afterAll, beforeAll } from "vitest";
import type { CloudEvent } from "./cloud-event.ts";
import { type EventConsumerOptions, ensureEventConsumer } from "./ensure-consumer.ts";
import { ensureEventStreams } from "./ensure-streams.ts";
import type { OutboxRecord, OutboxSource } from "./outbox-relay.ts";
import type { EventTopology } from "./topology.ts";

// The test helpers of every package that talks to NATS (`@tracemesh/queue/testing`): one set.
export {
  type PrivateNatsServer,
  type PrivateNatsServerOptions,
  privateNatsServer,
} from "./test-nats-server.ts";
export { metricValue, spansNamed, type TestTelemetry, useTestTelemetry } from "./test-telemetry.ts";

/** Unique names, so parallel test files never share a stream, subject, consumer or bucket. */
export function testTopology(): EventTopology {
  const id = randomUUID().replaceAll("-", "").slice(0, 10);
  return {
    stream: `T_${id.toUpperCase()}`,
    deadLetterStream: `T_${id.toUpperCase()}_DLQ`,
    subjectPrefix: `t${id}.events`,
    deadLetterSubjectPrefix: `t${id}.dlq`,
    consumer: `c_${id}`,
    processedEventsBucket: `processed_${id}`,
  };
}

/** A topology as the services' environment variables name it (see eventTopologyEnvEntries). */
export function topologyEnv(topology: EventTopology): Record<string, string> {
  return {
    EVENTS_STREAM: topology.stream,
    EVENTS_SUBJECT_PREFIX: topology.subjectPrefix,
    DEAD_LETTER_STREAM: topology.deadLetterStream,
    DEAD_LETTER_SUBJECT_PREFIX: topology.deadLetterSubjectPrefix,
    CONSUMER_NAME: topology.consumer,
    PROCESSED_EVENTS_BUCKET: topology.processedEventsBucket,
  };
}

export interface NatsTestContext {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
}

export async function connectNats(servers: string = TEST_NATS_URL): Promise<NatsTestContext> {
  const nc = await connect({ servers, reconnectTimeWait: 100, maxReconnectAttempts: -1 });
  return { nc, js: jetstream(nc), jsm: await jetstreamManager(nc) };
}

/**
 * This file's own streams (and, when asked, its durable consumer) on the shared NATS, or on
 * the server `servers()` names when read in `beforeAll`: created before its tests, deleted
 * after. `nats` answers once `beforeAll` has run.
 */
export function useTestStreams(
  consumer?: EventConsumerOptions,
  servers: () => string = () => TEST_NATS_URL,
): {
  names: EventTopology;
  nats: NatsTestContext;
} {
  const names = testTopology();
  let context: NatsTestContext | undefined;
  const connected = () => {
    if (context === undefined) throw new Error("useTestStreams: NATS is used before beforeAll");
    return context;
  };
  beforeAll(async () => {
    context = await connectNats(servers());
    await ensureEventStreams(context.jsm, names);
    if (consumer) await ensureEventConsumer(context.jsm, { ...names, ...consumer });
  });
  afterAll(async () => {
    if (!context) return;
    await deleteStreams(context.jsm, [names.stream, names.deadLetterStream]);
    await context.nc.close();
  });
  const nats: NatsTestContext = {
    get nc() {
      return connected().nc;
    },
    get js() {
      return connected().js;
    },
    get jsm() {
      return connected().jsm;
    },
  };
  return { names, nats };
}

export async function deleteStreams(jsm: JetStreamManager, names: string[]): Promise<void> {
  for (const name of names) await jsm.streams.delete(name).catch(() => false);
}

/** Removes the streams and the claims bucket of a test topology. */
export async function deleteTopology(jsm: JetStreamManager, topology: EventTopology) {
  const { stream, deadLetterStream, processedEventsBucket } = topology;
  await deleteStreams(jsm, [stream, deadLetterStream, `KV_${processedEventsBucket}`]);
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
export async function consumerSettled(
  nats: NatsTestContext,
  topology: Pick<EventTopology, "stream" | "consumer">,
): Promise<boolean> {
  const info = await nats.jsm.consumers.info(topology.stream, topology.consumer);
  return info.num_pending === 0 && info.num_ack_pending === 0;
}

/**
 * Keeps `eventId` claimed in the claims bucket by a consumer elsewhere that is still handling
 * it: its claim is refreshed every 200 ms, as a live holder's would be, until the returned
 * function is called.
 */
export async function holdClaimElsewhere(
  js: JetStreamClient,
  bucket: string,
  eventId: string,
): Promise<() => void> {
  const kv = await new Kvm(js).open(bucket);
  const claim = () =>
    kv.put(
      eventId,
      JSON.stringify({
        state: "claimed",
        holder: "elsewhere",
        claimedAt: new Date().toISOString(),
      }),
    );
  await claim();
  const timer = setInterval(() => void claim(), 200);
  return () => clearInterval(timer);
}

/** A W3C traceparent with fresh ids, as a producer's span would write it. */
export function newTraceparent(): { traceparent: string; traceId: string; spanId: string } {
  const traceId = randomUUID().replaceAll("-", "");
  const spanId = randomUUID().replaceAll("-", "").slice(0, 16);
  return { traceparent: `00-${traceId}-${spanId}-01`, traceId, spanId };
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

/** An OutboxSource over an array, as todo-api's SQL table behaves for one relay. */
export function memoryOutbox(records: OutboxRecord[] = []) {
  const published = new Set<string>();
  const failed = new Map<string, string>();
  const markCalls: string[][] = [];
  const source: OutboxSource = {
    async claimPending(limit) {
      const pending = records.filter(
        (record) => !published.has(record.id) && !failed.has(record.id),
      );
      return pending.slice(0, limit);
    },
    async markPublished(ids) {
      markCalls.push(ids);
      for (const id of ids) published.add(id);
    },
    async markFailed(id, reason) {
      failed.set(id, reason);
    },
  };
  return { source, records, published, failed, markCalls };
}
