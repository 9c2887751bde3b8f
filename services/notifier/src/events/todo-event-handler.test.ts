import { DependencyError } from "@tracemesh/errors";
import { captureLogger } from "@tracemesh/logger/testing";
import { type CloudEvent, createCloudEvent, type Delivery } from "@tracemesh/queue";
import type { Deadline } from "@tracemesh/resilience";
import { recordingMeter } from "@tracemesh/testing";
import { describe, expect, test } from "vitest";
import type { ProfileLookup } from "../profiles/profile-lookup.ts";
import type { UserProfile } from "../profiles/user-profile.ts";
import { captureSink } from "../test-utils.ts";
import { TodoEventDataError } from "./todo-event-data.ts";
import { createTodoEventHandler } from "./todo-event-handler.ts";

const ALICE: UserProfile = {
  id: "u-alice",
  username: "alice",
  displayName: "Alice Liddell",
  email: "alice@example.com",
};

const delivery: Delivery = {
  subject: "todo.events.created",
  deliveryCount: 1,
  streamSequence: 1,
  headers: undefined,
};

function todoEvent(data: unknown, type: CloudEvent["type"] = "todo.created"): CloudEvent {
  return createCloudEvent({ type, source: "/todo-api", data });
}

function setup(profiles: Record<string, UserProfile> = { [ALICE.id]: ALICE }) {
  const lookups: { userId: string; deadline: Deadline }[] = [];
  const findProfile: ProfileLookup = async (userId, deadline) => {
    lookups.push({ userId, deadline });
    return profiles[userId];
  };
  const capture = captureSink();
  const logs = captureLogger({ service: "notifier" });
  const recording = recordingMeter();
  const handler = createTodoEventHandler({
    findProfile,
    sink: capture.sink,
    logger: logs.logger,
    messageBudgetMs: 3000,
    meter: recording.meter,
  });
  return { handler, lookups, capture, logs, recording };
}

describe("todo event handler", () => {
  test("notifies the owner with their profile, lookup and delivery under one deadline", async () => {
    const { handler, lookups, capture } = setup();
    const todo = { id: "42", title: "Buy milk", completed: false, version: 1, ownerId: ALICE.id };
    const event = todoEvent(todo);
    await handler(event, delivery);
    expect(lookups.map((lookup) => lookup.userId)).toEqual([ALICE.id]);
    expect(capture.notifications()).toEqual([
      {
        kind: "todo",
        id: event.id,
        type: "todo.created",
        time: event.time,
        source: "/todo-api",
        todo,
        recipient: ALICE,
      },
    ]);
    const deadline = lookups[0]?.deadline;
    expect(deadline).toBeDefined();
    expect(capture.delivered[0]?.deadline).toBe(deadline);
    expect(deadline?.remainingMs()).toBeGreaterThan(2000);
    expect(deadline?.remainingMs()).toBeLessThanOrEqual(3000);
  });

  test("an event without an owner is delivered without a profile", async () => {
    const { handler, lookups, capture } = setup();
    await handler(todoEvent({ id: "42", version: 3 }, "todo.deleted"), delivery);
    expect(lookups).toHaveLength(0);
    expect(capture.notifications()).toEqual([
      expect.objectContaining({
        type: "todo.deleted",
        recipient: null,
        todo: { id: "42", version: 3 },
      }),
    ]);
  });

  test("an owner auth does not know gets nothing: skipped, logged, counted, and done (no retry)", async () => {
    const { handler, capture, logs, recording } = setup({});
    const event = todoEvent({ id: "42", ownerId: "u-gone" }, "todo.updated");
    await expect(handler(event, delivery)).resolves.toBeUndefined();
    expect(capture.delivered).toHaveLength(0);
    expect(await logs.lines()).toEqual([
      expect.objectContaining({
        level: "info",
        event: "notification.skipped",
        kind: "todo",
        reason: "recipient_not_found",
        eventId: event.id,
        eventType: "todo.updated",
        ownerId: "u-gone",
      }),
    ]);
    expect(recording.measurements).toEqual([
      {
        name: "tracemesh.notifications.skipped",
        value: 1,
        attributes: { "notification.kind": "todo", reason: "recipient_not_found" },
      },
    ]);
  });

  test("an unavailable auth or sink fails the attempt, so the consumer retries", async () => {
    const { handler, capture } = setup();
    capture.fail(new DependencyError({ dependency: "webhook" }));
    await expect(handler(todoEvent({ ownerId: ALICE.id }), delivery)).rejects.toBeInstanceOf(
      DependencyError,
    );

    const failing = createTodoEventHandler({
      findProfile: async () => {
        throw new DependencyError({ dependency: "auth" });
      },
      sink: captureSink().sink,
      logger: captureLogger({ service: "notifier" }).logger,
      messageBudgetMs: 1000,
    });
    await expect(failing(todoEvent({ ownerId: ALICE.id }), delivery)).rejects.toMatchObject({
      dependency: "auth",
    });
  });

  test.each([
    ["data that is not an object", "a string"],
    ["an owner id auth could never have issued", { ownerId: "../../admin" }],
    ["an owner id that is not a string", { ownerId: 7 }],
  ])("%s is refused before any call", async (_, data) => {
    const { handler, lookups, capture } = setup();
    await expect(handler(todoEvent(data), delivery)).rejects.toBeInstanceOf(TodoEventDataError);
    expect(lookups).toHaveLength(0);
    expect(capture.delivered).toHaveLength(0);
  });
});
