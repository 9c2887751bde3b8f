import { captureLogger } from "@tracemesh/logger/testing";
import {
  createCloudEvent,
  DEAD_LETTER_HEADERS,
  type EventTopology,
  eventSubject,
  publishEvent,
} from "@tracemesh/queue";
import {
  connectNats,
  consumerSettled,
  deleteTopology,
  type NatsTestContext,
  newTraceparent,
  publishTraced,
  storedMessages,
  testTopology,
} from "@tracemesh/queue/testing";
import { createDependencyClient } from "@tracemesh/resilience";
import { killAll, startListeningService, waitFor } from "@tracemesh/testing";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { createNotificationSink } from "../delivery/create-sink.ts";
import type { TodoNotification } from "../delivery/notification.ts";
import { createProfileLookup } from "../profiles/profile-lookup.ts";
import { ALICE } from "../test-utils.ts";
import { startWebhookReceiver, type WebhookReceiver } from "../test-webhook-receiver.ts";
import { createTodoConsumer, type TodoConsumer } from "./todo-consumer.ts";
import { createTodoEventHandler } from "./todo-event-handler.ts";

const SERVICE_TOKEN = "nats-test-service-token-0123456789";
let nats: NatsTestContext;
let authUrl: string;
let receiver: WebhookReceiver;
const topologies: EventTopology[] = [];
const consumers: TodoConsumer[] = [];

beforeAll(async () => {
  nats = await connectNats();
  authUrl = (await startListeningService("auth", { SERVICE_TOKEN, OTEL_SDK_DISABLED: "true" })).url;
});
afterAll(async () => {
  await killAll();
  await nats?.nc.close();
});
afterEach(async () => {
  await Promise.all(consumers.splice(0).map((consumer) => consumer.stop()));
  for (const topology of topologies.splice(0)) await deleteTopology(nats.jsm, topology);
  await receiver?.close();
});

interface PipelineOptions {
  topology: EventTopology;
  webhook?: boolean;
  maxDeliver?: number;
  backoffMs?: number[];
}

/** The notifier's event path as main.ts wires it, against the real NATS, auth and a webhook. */
async function startPipeline(options: PipelineOptions) {
  const { topology, webhook = true } = options;
  const logs = captureLogger({ service: "notifier" });
  const auth = createDependencyClient({ name: "auth", baseUrl: authUrl });
  const sink = createNotificationSink({
    webhookUrl: webhook ? receiver.url : undefined,
    logger: logs.logger,
    // One call per attempt: the consumer's redeliveries are what this test counts.
    client: { retry: { maxAttempts: 1 } },
  });
  const consumer = createTodoConsumer({
    topology,
    handler: createTodoEventHandler({
      findProfile: createProfileLookup({ client: auth, serviceToken: SERVICE_TOKEN }),
      sink,
      logger: logs.logger,
      messageBudgetMs: 5000,
    }),
    maxDeliver: options.maxDeliver ?? 5,
    backoffMs: options.backoffMs ?? [50, 100],
    claimTtlMs: 10_000,
    ackWaitMs: 15_000,
    logger: logs.logger,
  });
  consumers.push(consumer);
  await consumer.onConnected(nats.nc);
  return { consumer, logs };
}

async function setup() {
  const topology = testTopology();
  topologies.push(topology);
  receiver = await startWebhookReceiver();
  return { topology, created: eventSubject("todo.created", topology.subjectPrefix) };
}

const todoEvent = (data: Record<string, unknown>) =>
  createCloudEvent({ type: "todo.created", source: "/todo-api", data });

const bodyOf = (index: number) =>
  JSON.parse(receiver.accepted[index]?.body ?? "null") as TodoNotification;

describe("todo events → notifications (real NATS and auth)", () => {
  test("an event is delivered once to the webhook, with the owner's profile from auth", async () => {
    const { topology, created } = await setup();
    const { consumer } = await startPipeline({ topology });
    const todo = { id: "1", title: "Buy milk", completed: false, version: 1, ownerId: ALICE.id };
    const event = todoEvent(todo);
    await publishEvent(nats.js, event, { subject: created });

    await receiver.waitForAccepted(1);
    await waitFor(() => consumerSettled(nats, topology), "the ack");
    expect(receiver.received).toHaveLength(1);
    expect(receiver.accepted[0]?.key).toBe(event.id);
    expect(bodyOf(0)).toEqual({
      kind: "todo",
      id: event.id,
      type: "todo.created",
      time: event.time,
      source: "/todo-api",
      todo,
      recipient: ALICE,
    });
    expect(consumer.running()).toBe(true);
  });

  test("no owner: delivered without a profile; an owner auth does not know: skipped and acked", async () => {
    const { topology, created } = await setup();
    const { logs } = await startPipeline({ topology });
    const ownerless = todoEvent({ id: "2", title: "No owner" });
    const orphan = todoEvent({ id: "3", title: "Gone", ownerId: "no-such-user" });
    await publishEvent(nats.js, orphan, { subject: created });
    await publishEvent(nats.js, ownerless, { subject: created });

    await receiver.waitForAccepted(1);
    await waitFor(() => consumerSettled(nats, topology), "both acks");
    expect(receiver.received.map((request) => request.key)).toEqual([ownerless.id]);
    expect(bodyOf(0).recipient).toBeNull();
    const lines = await logs.lines();
    expect(lines.filter((line) => line.event === "notification.skipped")).toEqual([
      expect.objectContaining({ eventId: orphan.id, reason: "recipient_not_found" }),
    ]);
    // Acknowledged once, never retried.
    expect(lines.filter((line) => line.event === "queue.message.retry")).toEqual([]);
  });

  test("without a webhook the notification is a notification.delivered log line", async () => {
    const { topology, created } = await setup();
    const { logs } = await startPipeline({ topology, webhook: false });
    const event = todoEvent({ id: "4", title: "Log me", ownerId: ALICE.id });
    await publishEvent(nats.js, event, { subject: created });
    await waitFor(() => consumerSettled(nats, topology), "the ack");
    const delivered = (await logs.lines()).filter(
      (line) => line.event === "notification.delivered",
    );
    expect(delivered).toEqual([
      expect.objectContaining({
        level: "info",
        channel: "log",
        kind: "todo",
        notificationId: event.id,
        notification: expect.objectContaining({ id: event.id, recipient: ALICE }),
      }),
    ]);
    expect(receiver.received).toHaveLength(0);
  });

  test("a duplicate Nats-Msg-Id, a republished event and a redelivery after restart: one delivery", async () => {
    const { topology, created } = await setup();
    const first = await startPipeline({ topology });
    const event = todoEvent({ id: "5", title: "Once", ownerId: ALICE.id });
    const traced = newTraceparent();
    await publishTraced(nats.js, created, event, traced);
    const duplicate = await publishTraced(nats.js, created, event, traced);
    expect(duplicate.duplicate).toBe(true);
    await receiver.waitForAccepted(1);
    await waitFor(() => consumerSettled(nats, topology), "the ack");

    // The same event under another message id (a relay republishing after the dedup window).
    await publishTraced(nats.js, created, event, { ...traced, msgId: `${event.id}-again` });
    await waitFor(() => consumerSettled(nats, topology), "the second copy's ack");
    await first.consumer.stop();

    // A restarted notifier remembers it: the idempotency store is in NATS, not in memory.
    const second = await startPipeline({ topology });
    await publishTraced(nats.js, created, event, { ...traced, msgId: `${event.id}-restart` });
    await waitFor(() => consumerSettled(nats, topology), "the third copy's ack");

    expect(receiver.received.map((request) => request.key)).toEqual([event.id]);
    const duplicates = [...(await first.logs.lines()), ...(await second.logs.lines())].filter(
      (line) => line.event === "queue.message.duplicate",
    );
    expect(duplicates.map((line) => line.eventId)).toEqual([event.id, event.id]);
  });

  test("a poison event goes to the dead-letter stream after MAX_DELIVER attempts; the others are delivered", async () => {
    const { topology, created } = await setup();
    const [good1, poison, good2] = [1, 2, 3].map((n) =>
      todoEvent({ id: String(n), title: `todo ${n}`, ownerId: ALICE.id }),
    ) as [ReturnType<typeof todoEvent>, ReturnType<typeof todoEvent>, ReturnType<typeof todoEvent>];
    receiver.answer((request) => (request.key === poison.id ? 500 : 204));
    await startPipeline({ topology, maxDeliver: 3, backoffMs: [50, 100] });
    const traced = newTraceparent();
    for (const event of [good1, poison, good2])
      await publishTraced(nats.js, created, event, traced);

    await waitFor(
      async () => (await storedMessages(nats.jsm, topology.deadLetterStream)).length === 1,
      "the dead letter",
    );
    await waitFor(() => consumerSettled(nats, topology), "every message settled");

    expect(receiver.accepted.map((request) => request.key).sort()).toEqual(
      [good1.id, good2.id].sort(),
    );
    // One webhook call per attempt, three attempts: then no more.
    expect(receiver.received.filter((request) => request.key === poison.id)).toHaveLength(3);
    const [letter] = await storedMessages(nats.jsm, topology.deadLetterStream);
    expect(letter?.subject).toBe(`${topology.deadLetterSubjectPrefix}.${created}`);
    expect(letter?.json<{ id: string }>().id).toBe(poison.id);
    expect(letter?.header.get("traceparent")).toBe(traced.traceparent);
    expect(letter?.header.get("Nats-Msg-Id")).toBe(poison.id);
    expect(letter?.header.get(DEAD_LETTER_HEADERS.reason)).toBe("handler_failed");
    expect(letter?.header.get(DEAD_LETTER_HEADERS.attempts)).toBe("3");
    expect(letter?.header.get(DEAD_LETTER_HEADERS.error)).toMatch(/webhook/);
  });

  test("an event whose data can never be a todo is dead-lettered at its first delivery", async () => {
    const { topology, created } = await setup();
    const { logs } = await startPipeline({ topology, maxDeliver: 5 });
    const unusable = todoEvent({ id: "6", title: "Bad owner", ownerId: "../../admin" });
    const good = todoEvent({ id: "7", title: "Fine", ownerId: ALICE.id });
    await publishEvent(nats.js, unusable, { subject: created });
    await publishEvent(nats.js, good, { subject: created });

    await receiver.waitForAccepted(1);
    await waitFor(() => consumerSettled(nats, topology), "both settled");
    const [letter] = await storedMessages(nats.jsm, topology.deadLetterStream);
    expect(letter?.json<{ id: string }>().id).toBe(unusable.id);
    expect(letter?.header.get(DEAD_LETTER_HEADERS.reason)).toBe("unprocessable");
    expect(letter?.header.get(DEAD_LETTER_HEADERS.attempts)).toBe("1");
    expect(letter?.header.get(DEAD_LETTER_HEADERS.error)).toMatch(
      /^todo event data unusable: ownerId/,
    );
    expect(receiver.received.map((request) => request.key)).toEqual([good.id]);
    // Never retried: no MAX_DELIVER attempts on an event no attempt can help.
    const lines = await logs.lines();
    expect(lines.filter((line) => line.event === "queue.message.retry")).toEqual([]);
  });
});
