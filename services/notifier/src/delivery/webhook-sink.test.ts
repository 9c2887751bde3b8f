import { DependencyError } from "@tracemesh/errors";
import { captureLogger } from "@tracemesh/logger/testing";
import { createDeadline, createDependencyClient } from "@tracemesh/resilience";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { startWebhookReceiver, type WebhookReceiver } from "../test-webhook-receiver.ts";
import type { TodoNotification } from "./notification.ts";
import { createWebhookSink, webhookTarget } from "./webhook-sink.ts";

let receiver: WebhookReceiver;
beforeEach(async () => {
  receiver = await startWebhookReceiver();
});
afterEach(() => receiver.close());

const notification: TodoNotification = {
  kind: "todo",
  id: "5f0c6a34-8a6e-4f4e-9b44-3a1f2f0d9d11",
  type: "todo.created",
  time: "2026-11-25T10:00:00.000Z",
  source: "/todo-api",
  todo: { id: "42", title: "Buy milk", ownerId: "u1" },
  recipient: null,
};

function sink(retries = 3) {
  const logs = captureLogger({ service: "notifier" });
  const { baseUrl, path } = webhookTarget(`${receiver.url}?team=a`);
  const client = createDependencyClient({
    name: "webhook",
    baseUrl,
    retry: { maxAttempts: retries, initialDelayMs: 1, maxDelayMs: 5 },
  });
  return { sink: createWebhookSink({ client, path, logger: logs.logger }), logs };
}

describe("webhook sink", () => {
  test("POSTs the notification as JSON with its id as Idempotency-Key, then logs it", async () => {
    const { sink: webhook, logs } = sink();
    await webhook.deliver(notification, createDeadline(2000));
    expect(receiver.accepted).toHaveLength(1);
    const [request] = receiver.accepted;
    expect(request?.method).toBe("POST");
    expect(request?.path).toBe("/hooks/tracemesh?team=a");
    expect(request?.key).toBe(notification.id);
    expect(request?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(request?.body ?? "")).toEqual(notification);
    const lines = await logs.lines();
    expect(lines).toEqual([
      expect.objectContaining({
        event: "notification.delivered",
        channel: "webhook",
        kind: "todo",
        notificationId: notification.id,
        status: 204,
      }),
    ]);
    expect(webhook.channel).toBe("webhook");
  });

  test("a 5xx is retried with the same Idempotency-Key", async () => {
    let calls = 0;
    receiver.answer(() => (++calls === 1 ? 503 : 200));
    await sink().sink.deliver(notification, createDeadline(2000));
    expect(receiver.received.map((request) => request.key)).toEqual([
      notification.id,
      notification.id,
    ]);
    expect(receiver.accepted).toHaveLength(1);
  });

  test.each([500, 400, 401, 300, 304])(
    "a lasting %i rejects with DependencyError webhook",
    async (status) => {
      receiver.answer(() => status);
      const { sink: webhook, logs } = sink(1);
      const failure = await webhook.deliver(notification, createDeadline(2000)).catch((e) => e);
      expect(failure).toBeInstanceOf(DependencyError);
      expect((failure as DependencyError).dependency).toBe("webhook");
      // The webhook's address never shows in what the error could tell a client.
      expect(JSON.stringify((failure as DependencyError).details)).not.toContain("127.0.0.1");
      expect((await logs.lines()).map((line) => line.event)).not.toContain(
        "notification.delivered",
      );
    },
  );

  test.each([429, 503])(
    "a %i's Retry-After is the DependencyError's, for the redelivery to wait",
    async (status) => {
      receiver.answer(() => ({ status, retryAfter: "20" }));
      const failure = await sink(1)
        .sink.deliver(notification, createDeadline(2000))
        .catch((e) => e);
      expect(failure).toBeInstanceOf(DependencyError);
      expect((failure as DependencyError).retryAfterSeconds).toBe(20);
      expect((failure as DependencyError).retryAfterKnown).toBe(true);
    },
  );

  test("a 429 without Retry-After asks for no wait of its own", async () => {
    receiver.answer(() => 429);
    const failure = await sink(1)
      .sink.deliver(notification, createDeadline(2000))
      .catch((e) => e);
    expect(failure).toBeInstanceOf(DependencyError);
    expect((failure as DependencyError).retryAfterKnown).toBe(false);
  });

  test("splits NOTIFY_WEBHOOK_URL into origin and path", () => {
    expect(webhookTarget("https://hooks.example.com:8443/a/b?x=1")).toEqual({
      baseUrl: "https://hooks.example.com:8443",
      path: "/a/b?x=1",
    });
    expect(webhookTarget("http://hooks.example.com")).toEqual({
      baseUrl: "http://hooks.example.com",
      path: "/",
    });
  });
});
