import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { SpanKind, trace } from "@opentelemetry/api";
import { DependencyError } from "@tracemesh/errors";
import { captureLogger } from "@tracemesh/logger/testing";
import { type CloudEvent, QUEUE_DEFAULTS, withoutTracing } from "@tracemesh/queue";
import {
  type PrivateNatsServer,
  privateNatsServer,
  spansNamed,
  useTestTelemetry,
} from "@tracemesh/queue/testing";
import { waitFor } from "@tracemesh/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { appendOutboxEvent } from "../storage/outbox.ts";
import type { SqlClient } from "../storage/sql-client.ts";
import { openPgliteTestDatabase, type TestDatabase } from "../test-utils.ts";
import { type EventRelay, startEventRelay } from "./event-relay.ts";
import { todoEvent } from "./todo-event.ts";

const telemetry = useTestTelemetry();
let server: PrivateNatsServer;
let database: TestDatabase;
let relay: EventRelay | undefined;

beforeAll(async () => {
  // A broker of this test's own, stopped and started at will; it starts out down.
  server = await privateNatsServer({ started: false });
  database = await openPgliteTestDatabase();
});

afterAll(async () => {
  await relay?.stop();
  await database?.dispose();
  await server?.dispose();
});

interface Stored {
  id: string;
  traceparent: string;
}

/** What a POST /v1/todos does: a todo change and its event, in the request's trace. */
function storeInRequest(client: SqlClient, n: number): Promise<Stored> {
  const tracer = trace.getTracer("test");
  return tracer.startActiveSpan("POST /v1/todos", { kind: SpanKind.SERVER }, async (span) => {
    const now = new Date();
    const todo = { id: crypto.randomUUID(), title: `todo ${n}`, completed: false, version: 1 };
    const record = todoEvent("todo.created", { ...todo, createdAt: now, updatedAt: now });
    await client.transaction((tx) => appendOutboxEvent(tx, record));
    span.end();
    return { id: record.id, traceparent: record.traceparent ?? "" };
  });
}

async function publishedCount(client: SqlClient): Promise<number> {
  const result = await client.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM outbox WHERE published_at IS NOT NULL",
  );
  return result.rows[0]?.n ?? -1;
}

interface StreamCopy {
  msgId: string;
  eventId: string;
  traceparent: string;
}

async function readStream(url: string): Promise<StreamCopy[]> {
  const nc = await connect({ servers: url });
  try {
    const jsm = await jetstreamManager(nc);
    const { state } = await jsm.streams.info(QUEUE_DEFAULTS.stream);
    const copies: StreamCopy[] = [];
    for (let seq = state.first_seq; state.messages > 0 && seq <= state.last_seq; seq++) {
      const msg = await jsm.streams.getMessage(QUEUE_DEFAULTS.stream, { seq });
      if (!msg) continue;
      copies.push({
        msgId: msg.header.get("Nats-Msg-Id"),
        eventId: msg.json<CloudEvent>().id,
        traceparent: msg.header.get("traceparent"),
      });
    }
    return copies;
  } finally {
    await nc.close();
  }
}

/** Each event is in the stream once, sent in the trace of the request that stored it. */
function expectExactlyOnceInTheirTraces(copies: StreamCopy[], stored: Stored[]): void {
  expect(copies).toHaveLength(stored.length);
  expect(new Set(copies.map((copy) => copy.msgId))).toEqual(new Set(stored.map((s) => s.id)));
  const sends = spansNamed(telemetry.spans, "send todo.events.created");
  for (const { id, traceparent } of stored) {
    const [, traceId, requestSpanId] = traceparent.split("-");
    const copy = copies.find((candidate) => candidate.msgId === id);
    expect(copy?.eventId).toBe(id);
    const [, sentTraceId, sendSpanId] = copy?.traceparent.split("-") ?? [];
    expect(sentTraceId).toBe(traceId);
    // The header names the send span, and the send span is the request span's child.
    const send = sends.find((span) => span.spanContext().spanId === sendSpanId);
    expect(send?.attributes["messaging.message.id"]).toBe(id);
    expect(send?.parentSpanContext?.spanId).toBe(requestSpanId);
  }
}

describe("event relay with a broker that comes and goes", () => {
  test("events wait in the outbox while NATS is down, then stream exactly once", async () => {
    const { client } = database;
    const logs = captureLogger({ service: "todo-api" });
    const { logger } = logs;
    const started = performance.now();
    relay = startEventRelay({
      natsUrl: server.url,
      client,
      logger,
      intervalMs: 50,
      batchSize: 25,
      maxBackoffMs: 300,
      publishTimeoutMs: 1000,
      reconnectWaitMs: 100,
    });
    // Start-up does not wait for the broker.
    expect(performance.now() - started).toBeLessThan(200);
    expect(relay.isConnected()).toBe(false);

    const stored: Stored[] = [];
    for (let n = 0; n < 200; n++) stored.push(await storeInRequest(client, n));
    expect(stored.every((s) => /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/.test(s.traceparent))).toBe(true);
    // Asked to publish them now, with no broker, it publishes none and says why.
    const forced = await relay.flush();
    expect(forced.published).toBe(0);
    expect(forced.error).toBeInstanceOf(DependencyError);
    expect(await publishedCount(client)).toBe(0);

    await server.start();
    await waitFor(async () => (await publishedCount(client)) === 200, "200 published", 20_000);
    expect(relay.isConnected()).toBe(true);
    expectExactlyOnceInTheirTraces(await readStream(server.url), stored);

    // The broker goes away under a connected relay: new events wait, failed tries are kept.
    await server.stop();
    await waitFor(() => relay?.isConnected() === false, "the disconnection", 10_000);
    const later: Stored[] = [];
    for (let n = 200; n < 250; n++) later.push(await storeInRequest(client, n));
    await waitFor(
      async () => {
        const failed = await client.query(
          `SELECT 1 FROM outbox
            WHERE attempts > 0 AND last_error IS NOT NULL AND published_at IS NULL`,
        );
        return failed.rowCount > 0;
      },
      "a failed attempt to be recorded",
      10_000,
    );
    expect(await publishedCount(client)).toBe(200);

    await server.start();
    await waitFor(async () => (await publishedCount(client)) === 250, "250 published", 20_000);
    expectExactlyOnceInTheirTraces(await readStream(server.url), [...stored, ...later]);

    await relay.stop();
    expect(relay.isConnected()).toBe(false);
    const events = (await logs.lines()).map((line) => line.event);
    expect(events).toEqual(
      expect.arrayContaining(["nats.connect_failed", "nats.connected", "nats.disconnected"]),
    );
    expect(events).toContain("nats.reconnected");
  }, 90_000);

  // Neither its poll nor its backoff would retry within these tests: only the reconnect can.
  const slowRetries = { intervalMs: 60_000, maxBackoffMs: 60_000, reconnectWaitMs: 100 };
  const publishTimeoutMs = 30_000;

  async function publishedOf(ids: string[]): Promise<number> {
    const result = await database.client.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM outbox WHERE id = ANY($1::uuid[]) AND published_at IS NOT NULL",
      [ids],
    );
    return result.rows[0]?.n ?? -1;
  }

  async function failedOf(ids: string[]): Promise<number> {
    const result = await database.client.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM outbox WHERE id = ANY($1::uuid[]) AND last_error IS NOT NULL",
      [ids],
    );
    return result.rows[0]?.n ?? -1;
  }

  /** A relay connected to the running server, its poll and backoff as slow as slowRetries. */
  async function connectedRelay(): Promise<EventRelay> {
    await server.start();
    const started = startEventRelay({
      natsUrl: server.url,
      client: database.client,
      logger: captureLogger({ service: "todo-api" }).logger,
      publishTimeoutMs,
      ...slowRetries,
    });
    relay = started;
    await waitFor(() => started.isConnected(), "the connection", 10_000);
    return started;
  }

  test("events written while NATS is away go out as it comes back, not a timeout later", async () => {
    const { client } = database;
    const connected = await connectedRelay();
    try {
      await server.stop();
      await waitFor(() => !connected.isConnected(), "the disconnection", 10_000);
      const ids: string[] = [];
      for (let n = 0; n < 10; n++) ids.push((await storeInRequest(client, 1000 + n)).id);
      // Tried as they were written, and failed at once: no publish waits for an acknowledgement.
      await waitFor(async () => (await failedOf(ids)) > 0, "a failed attempt", 5000);

      await server.start();
      await waitFor(async () => (await publishedOf(ids)) === 10, "the ten", publishTimeoutMs / 3);
    } finally {
      await connected.stop();
    }
  }, 60_000);

  test("a publish waiting for its acknowledgement when the connection drops gives up then", async () => {
    const { client } = database;
    const connected = await connectedRelay();
    try {
      // A server that stops answering, then crashes: the publish sent meanwhile is never acked.
      server.freeze();
      const { id } = await storeInRequest(client, 2000);
      await waitFor(
        async () =>
          (await client.query("SELECT 1 FROM outbox WHERE id = $1 AND attempts > 0", [id]))
            .rowCount > 0,
        "the publish to be sent",
        5000,
      );
      await server.crash();
      await waitFor(async () => (await failedOf([id])) === 1, "the publish to give up", 5000);

      await server.start();
      await waitFor(async () => (await publishedOf([id])) === 1, "the event", publishTimeoutMs / 3);
    } finally {
      await connected.stop();
    }
  }, 60_000);
});

describe("event relay with a broker that stays up", () => {
  let steady: PrivateNatsServer;
  let own: TestDatabase;
  beforeAll(async () => {
    steady = await privateNatsServer();
    own = await openPgliteTestDatabase();
  });
  afterAll(async () => {
    await own?.dispose();
    await steady?.dispose();
  });

  function startRelay(intervalMs = 25): EventRelay {
    return startEventRelay({
      natsUrl: steady.url,
      client: own.client,
      logger: captureLogger({ service: "todo-api" }).logger,
      intervalMs,
      reconnectWaitMs: 100,
    });
  }

  test("its polls start no traces; a relayed event's send span is in its request's trace", async () => {
    const quiet = startRelay();
    try {
      await waitFor(() => quiet.isConnected(), "the connection");
      telemetry.spans.reset();
      // Some forty polls of an empty outbox, each a claim query.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(telemetry.spans.getFinishedSpans().map((span) => span.name)).toEqual([]);

      const stored = await storeInRequest(own.client, 1);
      // The test's own polls must not count either.
      const published = () => withoutTracing(() => publishedCount(own.client));
      await waitFor(async () => (await published()) === 1, "the event relayed");
      await new Promise((resolve) => setTimeout(resolve, 300));
      const [, traceId, requestSpanId] = stored.traceparent.split("-");
      const spans = telemetry.spans.getFinishedSpans();
      // The request and its INSERT, and the send: no claim, no mark, no poll of its own.
      expect(spans.every((span) => span.spanContext().traceId === traceId)).toBe(true);
      const [send] = spansNamed(telemetry.spans, "send todo.events.created");
      expect(send?.kind).toBe(SpanKind.PRODUCER);
      expect(send?.parentSpanContext?.spanId).toBe(requestSpanId);
      expect(spans.filter((span) => span.name.includes("outbox"))).toHaveLength(1);
    } finally {
      await quiet.stop();
    }
  });

  test("a row no broker will take is parked with its reason; the rows behind it go out", async () => {
    const before = await storeInRequest(own.client, 2);
    const now = new Date();
    const record = todoEvent("todo.created", {
      id: crypto.randomUUID(),
      title: "broken",
      completed: false,
      version: 1,
      createdAt: now,
      updatedAt: now,
    });
    // An event that is no CloudEvent (as a bug or a hand-edited row would leave it).
    await appendOutboxEvent(own.client, { ...record, event: { ...record.event, id: "42" } });
    const after = await storeInRequest(own.client, 3);
    const relay = startRelay();
    try {
      await waitFor(async () => (await publishedCount(own.client)) === 3, "the others relayed");
    } finally {
      await relay.stop();
    }
    const rows = await own.client.query<{
      id: string;
      published_at: Date | null;
      failed_at: Date | null;
      failed_reason: string | null;
    }>("SELECT id, published_at, failed_at, failed_reason FROM outbox WHERE id = ANY($1::uuid[])", [
      [before.id, record.id, after.id],
    ]);
    const byId = new Map(rows.rows.map((row) => [row.id, row]));
    expect(byId.get(record.id)).toMatchObject({ published_at: null, failed_at: expect.any(Date) });
    expect(byId.get(record.id)?.failed_reason).toMatch(/^malformed CloudEvent: id/);
    expect(byId.get(after.id)?.published_at).toBeInstanceOf(Date);
    const streamed = (await readStream(steady.url)).map((copy) => copy.msgId);
    expect(streamed).toContain(after.id);
    expect(streamed).not.toContain(record.id);
  });

  test("an event is relayed as its write commits, not at the relay's next poll", async () => {
    // A poll a minute: only the commit's notification can bring the event out in time.
    const woken = startRelay(60_000);
    try {
      await waitFor(() => woken.isConnected(), "the connection");
      // A first event, out at the relay's first run (it starts connected): past that run, the
      // next event can only come out through its commit's notification.
      const first = await publishedCount(own.client);
      await storeInRequest(own.client, 4);
      await waitFor(async () => (await publishedCount(own.client)) === first + 1, "the first");
      const before = first + 1;
      await storeInRequest(own.client, 5);
      await waitFor(
        async () => (await publishedCount(own.client)) === before + 1,
        "the event relayed at its commit",
        3_000,
      );
    } finally {
      await woken.stop();
    }
  });
});
