import { type OtlpSink, startOtlpSink } from "@tracemesh/otlp-sink";
import { DEAD_LETTER_HEADERS, type EventTopology, eventSubject } from "@tracemesh/queue";
import {
  connectNats,
  consumerSettled,
  deleteTopology,
  type NatsTestContext,
  newTraceparent,
  publishTraced,
  storedMessages,
  testTopology,
  topologyEnv,
} from "@tracemesh/queue/testing";
import {
  killAll,
  startListeningService,
  TEST_NATS_URL,
  traceExportEnv,
  waitFor,
} from "@tracemesh/testing";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { ownedTodoEvent, postAlerts, scrapeMetrics } from "./test-utils.ts";
import { startWebhookReceiver, type WebhookReceiver } from "./test-webhook-receiver.ts";

const SERVICE_TOKEN = "process-test-service-token-0123";
const ALERTS_TOKEN = "process-test-alerts-token-0123";
let nats: NatsTestContext;
let sink: OtlpSink;
let authUrl: string;
let receiver: WebhookReceiver;
const topologies: EventTopology[] = [];

beforeAll(async () => {
  nats = await connectNats();
  sink = await startOtlpSink();
  authUrl = (await startListeningService("auth", { SERVICE_TOKEN, ...traceExportEnv(sink) })).url;
});
afterAll(async () => {
  await killAll();
  await sink?.close();
  await nats?.nc.close();
});
afterEach(async () => {
  await receiver?.close();
  for (const topology of topologies.splice(0)) await deleteTopology(nats.jsm, topology);
});

async function startNotifier(topology: EventTopology, env: Record<string, string> = {}) {
  const notifier = await startListeningService("notifier", {
    ...traceExportEnv(sink),
    NATS_URL: TEST_NATS_URL,
    AUTH_URL: authUrl,
    SERVICE_TOKEN,
    ALERTS_TOKEN,
    NOTIFY_WEBHOOK_URL: receiver.url,
    MAX_DELIVER: "3",
    BACKOFF_MS: "200,400",
    ...topologyEnv(topology),
    ...env,
  });
  // HTTP comes first; the streams exist once the consumer runs.
  await notifier.waitForLine("queue.consumer.started");
  return { ...notifier, metrics: `http://127.0.0.1:${notifier.metricsPort}/metrics` };
}

async function setup() {
  const topology = testTopology();
  topologies.push(topology);
  receiver = await startWebhookReceiver();
  return { topology, created: eventSubject("todo.created", topology.subjectPrefix) };
}

describe("notifier main", () => {
  test("one trace from the producer through the notifier to auth; the delivery log line carries it", async () => {
    const { topology, created } = await setup();
    const notifier = await startNotifier(topology);
    const ready = await fetch(`${notifier.url}/health/ready`);
    expect(await ready.json()).toEqual({ status: "ok", checks: { nats: "ok", consumer: "ok" } });

    const producer = newTraceparent();
    const event = ownedTodoEvent(1);
    await publishTraced(nats.js, created, event, producer);
    await receiver.waitForAccepted(1);
    // The webhook call carries the same trace onwards.
    expect(receiver.accepted[0]?.headers.traceparent).toContain(producer.traceId);

    const inTrace =
      (kind: string, service: string) =>
      (span: { traceId: string; kind: string; serviceName: string }) =>
        span.traceId === producer.traceId && span.kind === kind && span.serviceName === service;
    const [process] = await sink.waitForSpans(inTrace("CONSUMER", "notifier"));
    expect(process?.name).toBe(`process ${created}`);
    expect(process?.parentSpanId).toBe(producer.spanId);
    expect(process?.links).toEqual([expect.objectContaining({ spanId: producer.spanId })]);
    expect(process?.attributes["tracemesh.message.outcome"]).toBe("ack");
    expect(process?.events.map((e) => e.name)).toContain("notification.delivered");

    const clients = await sink.waitForSpans(inTrace("CLIENT", "notifier"), 5000, 2);
    expect(clients.every((span) => span.parentSpanId === process?.spanId)).toBe(true);
    const toAuth = clients.find((span) =>
      String(span.attributes["url.full"]).includes("/v1/users/"),
    );
    // The webhook's URL is its secret: its spans show only the origin.
    const toWebhook = clients.find(
      (span) => span.attributes["url.full"] === `${new URL(receiver.url).origin}/[REDACTED]`,
    );
    expect(JSON.stringify(clients)).not.toContain("/hooks/");
    expect(toAuth?.name).toBe("GET");
    expect(toWebhook?.name).toBe("POST");
    const [authServer] = await sink.waitForSpans(inTrace("SERVER", "auth"));
    expect(authServer?.parentSpanId).toBe(toAuth?.spanId);
    expect(authServer?.name).toBe("GET /v1/users/:id");

    const delivered = await notifier.waitForLine("notification.delivered");
    expect(delivered).toMatchObject({
      service: "notifier",
      channel: "webhook",
      kind: "todo",
      notificationId: event.id,
      traceId: producer.traceId,
      spanId: process?.spanId,
    });

    // Alertmanager's webhook, in its own request trace.
    const alerts = await postAlerts(notifier.url, ALERTS_TOKEN);
    expect(alerts.status).toBe(200);
    expect(await alerts.json()).toEqual({ status: "delivered", delivered: 2 });
    await receiver.waitForAccepted(3);

    // The names the exporter really emits, which rules and dashboards use.
    await waitFor(() => consumerSettled(nats, topology), "the ack");
    const metric = await scrapeMetrics(notifier.metrics);
    const ours = { messaging_consumer_group_name: topology.consumer };
    const acked = { ...ours, tracemesh_message_outcome: "ack" };
    for (const [name, labels, value] of [
      ["messaging_client_consumed_messages_total", ours, 1],
      ["tracemesh_queue_messages_acked_total", ours, 1],
      ["messaging_process_duration_count", acked, 1],
      ["messaging_process_duration_bucket", { ...acked, le: "+Inf" }, 1],
      ["tracemesh_queue_consumer_lag", ours, 0],
      ["tracemesh_notifications_delivered_total", { notification_kind: "todo" }, 1],
      ["tracemesh_notifications_delivered_total", { notification_kind: "alert" }, 2],
      // Nothing failed: no series yet.
      ["tracemesh_queue_messages_dead_lettered_total", ours, undefined],
    ] as const) {
      expect(metric(name, labels), name).toBe(value);
    }

    const [exitCode] = await notifier.stop("SIGTERM");
    expect(exitCode).toBe(0);
    const events = notifier.lines.map((line) => line.event);
    expect(events.indexOf("queue.consumer.stopped")).toBeLessThan(
      events.indexOf("server.shutdown_completed"),
    );
    expect(JSON.stringify(notifier.lines)).not.toMatch(/process-test-(service|alerts)-token/);
    expect(notifier.lines.filter((line) => line.event === "(not json)")).toEqual([]);
  });

  test("NOTIFY_WEBHOOK_ATTEMPT_TIMEOUT_MS bounds each POST: a slower receiver's delivery is retried", async () => {
    const { topology, created } = await setup();
    const event = ownedTodoEvent(3);
    // Slower than the 300 ms allowed, well within the default 2 s: then fast.
    let slow = true;
    receiver.answer(() => (slow ? { status: 204, afterMs: 800 } : 204));
    const notifier = await startNotifier(topology, { NOTIFY_WEBHOOK_ATTEMPT_TIMEOUT_MS: "300" });
    await publishTraced(nats.js, created, event, newTraceparent());

    const retry = await notifier.waitForLine("queue.message.retry");
    expect(retry).toMatchObject({
      eventId: event.id,
      error: { message: expect.stringContaining("webhook") },
    });
    expect(receiver.accepted).toHaveLength(0);
    slow = false;
    await receiver.waitForAccepted(1);
    expect(receiver.accepted.map((request) => request.key)).toEqual([event.id]);
  });

  test("each attempt of a poison event is in its trace; the last one dead-letters it", async () => {
    const { topology, created } = await setup();
    const poison = ownedTodoEvent(2);
    receiver.answer((request) => (request.key === poison.id ? 500 : 204));
    const notifier = await startNotifier(topology);
    const producer = newTraceparent();
    await publishTraced(nats.js, created, poison, producer);

    await waitFor(
      async () => (await storedMessages(nats.jsm, topology.deadLetterStream)).length === 1,
      "the dead letter",
    );
    const attempts = await sink.waitForSpans(
      (span) => span.traceId === producer.traceId && span.kind === "CONSUMER",
      5000,
      3,
    );
    const byDelivery = attempts.sort(
      (a, b) =>
        Number(a.attributes["tracemesh.message.delivery_count"]) -
        Number(b.attributes["tracemesh.message.delivery_count"]),
    );
    expect(byDelivery.map((span) => span.attributes["tracemesh.message.outcome"])).toEqual([
      "retry",
      "retry",
      "dead_letter",
    ]);
    for (const attempt of byDelivery) {
      expect(attempt.parentSpanId).toBe(producer.spanId);
      expect(attempt.status.code).toBe("ERROR");
      // Its own client spans: at least the profile lookup at auth.
      const clients = sink.trace(producer.traceId).filter((s) => s.parentSpanId === attempt.spanId);
      expect(clients.length).toBeGreaterThanOrEqual(1);
    }
    const [letter] = await storedMessages(nats.jsm, topology.deadLetterStream);
    expect(letter?.header.get("traceparent")).toBe(producer.traceparent);
    expect(letter?.header.get(DEAD_LETTER_HEADERS.reason)).toBe("handler_failed");
    const deadLettered = await notifier.waitForLine("queue.message.dead_lettered");
    expect(deadLettered).toMatchObject({ eventId: poison.id, traceId: producer.traceId });
    expect(receiver.accepted).toHaveLength(0);

    // The names the exporter really emits, which rules and dashboards use.
    const metric = await scrapeMetrics(notifier.metrics);
    const ours = { messaging_consumer_group_name: topology.consumer };
    for (const [name, labels, value] of [
      ["messaging_client_consumed_messages_total", ours, 3],
      ["tracemesh_queue_messages_redelivered_total", ours, 2],
      [
        "tracemesh_queue_messages_dead_lettered_total",
        { ...ours, tracemesh_dead_letter_reason: "handler_failed" },
        1,
      ],
      ["messaging_process_duration_count", { ...ours, tracemesh_message_outcome: "retry" }, 2],
      ["tracemesh_queue_consumer_lag", ours, 0],
    ] as const) {
      expect(metric(name, labels), name).toBe(value);
    }
  });

  test("SIGKILL in the middle of 500 events, restart: each delivered exactly once; SIGTERM drains and exits 0", {
    timeout: 180_000,
  }, async () => {
    const { topology, created } = await setup();
    const events = Array.from({ length: 500 }, (_, n) => ownedTodoEvent(n));
    const killAt = 200;
    // One delivery at a time, so that the kill cuts exactly one: with more at once, those the
    // receiver accepted but the notifier had not yet recorded are sent again after the restart
    // (the at-least-once window the README names), and the counts below would vary.
    const oneAtATime = { CONSUMER_CONCURRENCY: "1" };
    let first = await startNotifier(topology, oneAtATime);
    // The 200th delivery is held unanswered and the notifier killed while it waits for it.
    receiver.answer(() => {
      if (receiver.received.length !== killAt) return 204;
      first.child.kill("SIGKILL");
      return "hold";
    });
    const traced = newTraceparent();
    for (const event of events) await publishTraced(nats.js, created, event, traced);
    await waitFor(() => first.child.signalCode === "SIGKILL", "the kill", 60_000);
    expect(receiver.accepted).toHaveLength(killAt - 1);

    receiver.answer(() => 204);
    const second = await startNotifier(topology, oneAtATime);
    await receiver.waitForAccepted(500, 90_000);
    await waitFor(() => consumerSettled(nats, topology), "every ack", 30_000);

    const keys = receiver.accepted.map((request) => request.key);
    expect(new Set(keys).size).toBe(500);
    expect(keys).toHaveLength(500);
    expect(new Set(keys)).toEqual(new Set(events.map((event) => event.id)));
    // The held request was the only one received twice: the kill cut it before its answer.
    const heldKey = receiver.received[killAt - 1]?.key;
    expect(receiver.received).toHaveLength(501);
    expect(receiver.received.filter((request) => request.key === heldKey)).toHaveLength(2);

    // SIGTERM while a delivery is in flight: it finishes and is acknowledged, the rest waits.
    const more = Array.from({ length: 20 }, (_, n) => ownedTodoEvent(500 + n));
    receiver.answer(() => ({ status: 204, afterMs: 300 }));
    for (const event of more) await publishTraced(nats.js, created, event, traced);
    await waitFor(() => receiver.received.length > 501, "a delivery in flight");
    const [exitCode] = await second.stop("SIGTERM");
    expect(exitCode).toBe(0);
    const deliveredBeforeExit = receiver.accepted.length;
    expect(deliveredBeforeExit).toBeGreaterThan(500);
    expect(receiver.received).toHaveLength(deliveredBeforeExit + 1);
    const stoppedAt = second.lines.findIndex((line) => line.event === "queue.consumer.stopped");
    expect(stoppedAt).toBeGreaterThan(-1);

    first = await startNotifier(topology);
    receiver.answer(() => 204);
    await receiver.waitForAccepted(520, 30_000);
    await waitFor(() => consumerSettled(nats, topology), "every ack", 30_000);
    const all = receiver.accepted.map((request) => request.key);
    expect(all).toHaveLength(520);
    expect(new Set(all).size).toBe(520);
    expect(await first.stop("SIGTERM")).toEqual([0, null]);
  });
});
