import { type EventTopology, eventSubject } from "@tracemesh/queue";
import {
  connectNats,
  consumerSettled,
  type NatsTestContext,
  type PrivateNatsServer,
  privateNatsServer,
  testTopology,
  topologyEnv,
} from "@tracemesh/queue/testing";
import {
  freePort,
  killAll,
  startListeningService,
  startService,
  waitFor,
} from "@tracemesh/testing";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { ownedTodoEvent, postAlerts } from "./test-utils.ts";
import { startWebhookReceiver, type WebhookReceiver } from "./test-webhook-receiver.ts";

// The notifier's start and stop against a broker of this file's own, which starts late and goes
// away: liveness never depends on NATS, and a SIGTERM neither delivers more nor acks less.
const SERVICE_TOKEN = "lifecycle-test-service-token-0123";
const ALERTS_TOKEN = "lifecycle-test-alerts-token-0123";
let broker: PrivateNatsServer;
let authUrl: string;
let receiver: WebhookReceiver;
let nats: NatsTestContext | undefined;
const topology: EventTopology = testTopology();
const created = eventSubject("todo.created", topology.subjectPrefix);

beforeAll(async () => {
  broker = await privateNatsServer({ started: false });
  authUrl = (await startListeningService("auth", { SERVICE_TOKEN, OTEL_SDK_DISABLED: "true" })).url;
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await killAll();
  await nats?.nc.close();
  await receiver?.close();
  await broker?.dispose();
});
afterEach(() => {
  receiver.answer(() => 204);
});

async function startNotifier(env: Record<string, string> = {}) {
  const notifier = await startListeningService("notifier", {
    OTEL_SDK_DISABLED: "true",
    NATS_URL: broker.url,
    AUTH_URL: authUrl,
    SERVICE_TOKEN,
    ALERTS_TOKEN,
    NOTIFY_WEBHOOK_URL: receiver.url,
    ...topologyEnv(topology),
    ...env,
  });
  const ready = async () => {
    const response = await fetch(`${notifier.url}/health/ready`);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  return { ...notifier, ready };
}

async function brokerClient(): Promise<NatsTestContext> {
  nats ??= await connectNats(broker.url);
  return nats;
}

describe("notifier lifecycle with a broker of its own", () => {
  test("NATS down at boot: live at once, not ready, then consuming as soon as NATS comes", async () => {
    const notifier = await startNotifier();
    const live = await fetch(`${notifier.url}/health/live`);
    expect(live.status).toBe(200);
    const before = await notifier.ready();
    expect(before.status).toBe(503);
    expect(before.body).toMatchObject({
      errorCode: "SERVICE_UNAVAILABLE",
      details: [{ type: "dependency", name: "nats" }],
    });

    await broker.start();
    await waitFor(async () => (await notifier.ready()).status === 200, "readiness", 15_000);
    expect((await notifier.ready()).body).toEqual({
      status: "ok",
      checks: { nats: "ok", consumer: "ok" },
    });
    const event = ownedTodoEvent(1);
    const { js } = await brokerClient();
    await js.publish(created, JSON.stringify(event), { msgID: event.id });
    await receiver.waitForAccepted(1);
    expect(receiver.accepted.map((request) => request.key)).toEqual([event.id]);
    expect(await notifier.stop("SIGTERM")).toEqual([0, null]);
  });

  test("SIGTERM stops pulling at once, not after the HTTP drain", async () => {
    const notifier = await startNotifier({ REQUEST_BUDGET_MS: "3000" });
    await notifier.waitForLine("queue.consumer.started");
    // An alert whose webhook call hangs keeps the HTTP drain going for the request budget.
    receiver.answer((request) => (request.body.includes('"kind":"alert"') ? "hold" : 204));
    const alerting = postAlerts(notifier.url, ALERTS_TOKEN).then((response) => response.status);
    const isAlert = (body: string) => body.includes('"kind":"alert"');
    await waitFor(() => receiver.received.some((r) => isAlert(r.body)), "the alert call");

    const exited = notifier.stop("SIGTERM");
    await notifier.waitForLine("server.shutdown_started");
    const late = ownedTodoEvent(2);
    const client = await brokerClient();
    await client.js.publish(created, JSON.stringify(late), { msgID: late.id });
    expect(await exited).toEqual([0, null]);
    expect(await alerting).toBeGreaterThanOrEqual(500);
    // It came during the drain: this notifier never took it.
    expect(receiver.received.map((request) => request.key)).not.toContain(late.id);
    const events = notifier.lines.map((line) => line.event);
    expect(events.indexOf("queue.consumer.stopped")).toBeLessThan(
      events.indexOf("server.shutdown_completed"),
    );

    receiver.answer(() => 204);
    const next = await startNotifier();
    await waitFor(() => receiver.accepted.some((r) => r.key === late.id), "the late event");
    await waitFor(() => consumerSettled(client, topology), "its ack");
    expect(await next.stop("SIGTERM")).toEqual([0, null]);
  });

  test("SIGTERM while NATS is away: exit 0, and the event being delivered is not acked", {
    timeout: 60_000,
  }, async () => {
    const first = await startNotifier({ MESSAGE_BUDGET_MS: "1000" });
    await first.waitForLine("queue.consumer.started");
    receiver.answer(() => "hold");
    const event = ownedTodoEvent(3);
    const { js } = await brokerClient();
    await js.publish(created, JSON.stringify(event), { msgID: event.id });
    await waitFor(() => receiver.received.some((r) => r.key === event.id), "the delivery");

    await broker.stop();
    await waitFor(async () => (await first.ready()).status === 503, "the outage noticed");
    const stopping = performance.now();
    expect(await first.stop("SIGTERM")).toEqual([0, null]);
    expect(performance.now() - stopping).toBeLessThan(8_000);
    const events = first.lines.map((line) => line.event);
    expect(events).toContain("nats.closed_without_drain");
    expect(events).not.toContain("server.on_shutdown_failed");
    expect(events).not.toContain("notification.delivered");

    // Back, with a receiver that answers: the event was never acked, so it comes again.
    receiver.answer(() => 204);
    await broker.start();
    const second = await startNotifier();
    await waitFor(
      () => receiver.accepted.some((r) => r.key === event.id),
      "the redelivery",
      30_000,
    );
    const client = await brokerClient();
    await waitFor(() => consumerSettled(client, topology), "its ack");
    expect(receiver.accepted.filter((r) => r.key === event.id)).toHaveLength(1);
    expect(await second.stop("SIGTERM")).toEqual([0, null]);
  });

  test("a bad variable: one line naming it, exit 1", async () => {
    const notifier = startService("notifier", {
      METRICS_PORT: String(await freePort()),
      BACKOFF_MS: "soon",
    });
    expect(await notifier.exited).toEqual([1, null]);
    expect(notifier.lines).toEqual([
      expect.objectContaining({ level: "fatal", event: "config.invalid", variable: "BACKOFF_MS" }),
    ]);
  });
});
