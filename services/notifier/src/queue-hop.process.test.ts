import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type FlatSpan, type OtlpSink, startOtlpSink } from "@tracemesh/otlp-sink";
import { type EventTopology, QUEUE_DEFAULTS } from "@tracemesh/queue";
import {
  connectNats,
  consumerSettled,
  type NatsTestContext,
  type PrivateNatsServer,
  privateNatsServer,
} from "@tracemesh/queue/testing";
import {
  descendants,
  killAll,
  type ListeningService,
  loginTo,
  startListeningService,
  traceExportEnv,
  waitFor,
} from "@tracemesh/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startWebhookReceiver, type WebhookReceiver } from "./test-webhook-receiver.ts";

// The whole request path (docs/architecture.md#the-request-path) as real processes: auth, todo-api
// (outbox + relay) and the notifier, on a broker of this file's own that the outage test stops and
// starts again.
const SERVICE_TOKEN = "queue-hop-service-token-0123";
let broker: PrivateNatsServer;
let sink: OtlpSink;
let receiver: WebhookReceiver;
let dataDir: string;
let auth: ListeningService;
let api: ListeningService;
let notifier: ListeningService;
let token: string;

beforeAll(async () => {
  broker = await privateNatsServer();
  sink = await startOtlpSink();
  receiver = await startWebhookReceiver();
  dataDir = await mkdtemp(join(tmpdir(), "queue-hop-"));
  auth = await startListeningService("auth", { ...traceExportEnv(sink), SERVICE_TOKEN });
  api = await startListeningService("todo-api", {
    ...traceExportEnv(sink),
    DATA_DIR: join(dataDir, "db"),
    AUTH_URL: auth.url,
    NATS_URL: broker.url,
  });
  notifier = await startListeningService("notifier", {
    ...traceExportEnv(sink),
    NATS_URL: broker.url,
    AUTH_URL: auth.url,
    SERVICE_TOKEN,
    NOTIFY_WEBHOOK_URL: receiver.url,
  });
  await notifier.waitForLine("queue.consumer.started");
  token = await loginTo(auth.url, "alice");
}, 60_000);

afterAll(async () => {
  await killAll();
  await receiver?.close();
  await sink?.close();
  await broker?.dispose();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

function createTodo(title: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${api.url}/v1/todos`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", ...headers },
    body: JSON.stringify({ title }),
  });
}

async function readiness(): Promise<unknown> {
  return (await fetch(`${api.url}/health/ready`)).json();
}

function connectBroker(): Promise<NatsTestContext> {
  return connectNats(broker.url);
}

// The defaults of both services: the broker is this file's alone.
const topology: EventTopology = QUEUE_DEFAULTS;

describe("todo-api → outbox → NATS → notifier → auth, as processes", () => {
  test("one trace from POST /v1/todos to the notifier's delivery and its call to auth", async () => {
    const response = await createTodo("one trace across the queue");
    expect(response.status).toBe(201);
    const traceId = response.headers.get("traceresponse")?.split("-")[1] ?? "";
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    const todo = (await response.json()) as { id: string };

    const inTrace = (service: string, kind: string) => (span: FlatSpan) =>
      span.traceId === traceId && span.serviceName === service && span.kind === kind;
    const [apiServer] = await sink.waitForSpans(inTrace("todo-api", "SERVER"), 15_000);
    expect(apiServer?.name).toBe("POST /v1/todos");
    const [producer] = await sink.waitForSpans(inTrace("todo-api", "PRODUCER"), 15_000);
    expect(producer?.name).toBe("send todo.events.created");
    // Published later by the relay, yet inside the request's trace: below its server span.
    if (!apiServer) throw new Error("no server span");
    expect(descendants(sink, apiServer).map((span) => span.spanId)).toContain(producer?.spanId);

    const [consumer] = await sink.waitForSpans(inTrace("notifier", "CONSUMER"), 15_000);
    expect(consumer?.name).toBe("process todo.events.created");
    expect(consumer?.parentSpanId).toBe(producer?.spanId);
    expect(consumer?.links).toEqual([expect.objectContaining({ spanId: producer?.spanId })]);
    expect(consumer?.attributes["tracemesh.message.outcome"]).toBe("ack");

    const clients = await sink.waitForSpans(inTrace("notifier", "CLIENT"), 10_000, 2);
    const toAuth = clients.find((span) =>
      String(span.attributes["url.full"]).includes("/v1/users/"),
    );
    expect(toAuth?.parentSpanId).toBe(consumer?.spanId);
    const [authServer] = await sink.waitForSpans(
      (span) => inTrace("auth", "SERVER")(span) && span.name === "GET /v1/users/:id",
      10_000,
    );
    expect(authServer?.parentSpanId).toBe(toAuth?.spanId);

    const delivered = await notifier.waitForLine(
      "notification.delivered",
      (line) => line.traceId === traceId,
    );
    expect(delivered).toMatchObject({ service: "notifier", channel: "webhook", kind: "todo" });
    expect(delivered.spanId).toBe(consumer?.spanId);
    const [request] = receiver.accepted.filter((each) => each.body.includes(todo.id));
    expect(request?.headers.traceparent).toContain(traceId);
  });

  test("broker down while 200 todos are created: all 201, and once it is back, 200 deliveries", {
    timeout: 60_000,
  }, async () => {
    // Whatever the first test left is delivered and acknowledged before the count starts.
    const nats = await connectBroker();
    await waitFor(() => consumerSettled(nats, topology), "a settled consumer");
    await nats.nc.close();
    const before = receiver.accepted.length;

    await broker.stop();
    await waitFor(
      async () => JSON.stringify(await readiness()).includes('"nats":"unavailable"'),
      "todo-api to notice the broker is gone",
    );
    expect(await readiness()).toEqual({
      status: "ok",
      checks: { database: "ok", nats: "unavailable" },
    });

    const statuses: number[] = [];
    for (let batch = 0; batch < 20; batch++) {
      const responses = await Promise.all(
        Array.from({ length: 10 }, (_, n) => createTodo(`outage ${batch * 10 + n}`)),
      );
      statuses.push(...responses.map((response) => response.status));
    }
    expect(statuses.filter((status) => status === 201)).toHaveLength(200);
    // Nothing could travel meanwhile.
    expect(receiver.accepted).toHaveLength(before);

    await broker.start();
    await receiver.waitForAccepted(before + 200, 45_000);
    const after = await connectBroker();
    try {
      await waitFor(() => consumerSettled(after, topology), "every ack", 15_000);
    } finally {
      await after.nc.close();
    }
    const keys = receiver.accepted.slice(before).map((request) => request.key);
    expect(keys).toHaveLength(200);
    expect(new Set(keys).size).toBe(200);
    expect(receiver.accepted).toHaveLength(before + 200);
    expect(await readiness()).toEqual({ status: "ok", checks: { database: "ok", nats: "ok" } });
  });
});
