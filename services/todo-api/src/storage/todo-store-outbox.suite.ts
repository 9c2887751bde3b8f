import { NotFoundError } from "@tracemesh/errors";
import { describe, expect, test } from "vitest";
import type { TestDatabase } from "../test-utils.ts";
import type { SqlClient } from "./sql-client.ts";
import { OTHER, OWNER, rejection, UNKNOWN_ID, useTodoStore } from "./test-utils.ts";
import { createTodoStore } from "./todo-store.ts";
import { VersionMismatchError } from "./version-mismatch.ts";

interface PendingEvent {
  /** The NATS subject the relay publishes to. */
  subject: string;
  type: string;
  /** The CloudEvents subject: the todo id. */
  todoId: string;
  data: Record<string, unknown>;
}

async function pendingEvents(client: SqlClient): Promise<PendingEvent[]> {
  const result = await client.query<{ subject: string; event: Record<string, unknown> }>(
    "SELECT subject, event FROM outbox WHERE published_at IS NULL ORDER BY position",
  );
  return result.rows.map(({ subject, event }) => ({
    subject,
    type: String(event.type),
    todoId: String(event.subject),
    data: event.data as Record<string, unknown>,
  }));
}

/**
 * The store's side of the outbox (docs/architecture.md#the-queue-hop), run against every backend
 * like `describeTodoStore`: each write commits exactly one event with it, a failed write none.
 */
export function describeTodoStoreOutbox(backend: string, open: () => Promise<TestDatabase>): void {
  describe(`TodoStore outbox events on ${backend}`, () => {
    const t = useTodoStore(open, ["todos", "outbox"]);

    test("create, update and delete each leave exactly one pending event of their own", async () => {
      const created = await t.store.create(OWNER, { title: "evented" });
      expect(await pendingEvents(t.client)).toEqual([
        {
          subject: "todo.events.created",
          type: "todo.created",
          todoId: created.id,
          data: {
            id: created.id,
            ownerId: OWNER,
            title: "evented",
            completed: false,
            version: 1,
            createdAt: created.createdAt.toISOString(),
            updatedAt: created.updatedAt.toISOString(),
          },
        },
      ]);

      await t.client.query("DELETE FROM outbox");
      const updated = await t.store.update(OWNER, created.id, { completed: true }, 1);
      const [update, ...moreUpdates] = await pendingEvents(t.client);
      expect(moreUpdates).toEqual([]);
      expect(update).toMatchObject({
        subject: "todo.events.updated",
        type: "todo.updated",
        todoId: created.id,
        data: { id: created.id, ownerId: OWNER, completed: true, version: 2 },
      });
      expect(update?.data.updatedAt).toBe(updated.updatedAt.toISOString());

      await t.client.query("DELETE FROM outbox");
      await t.store.delete(OWNER, created.id);
      expect(await pendingEvents(t.client)).toEqual([
        {
          subject: "todo.events.deleted",
          type: "todo.deleted",
          todoId: created.id,
          data: { id: created.id, ownerId: OWNER, version: 2 },
        },
      ]);
    });

    test("a delete at an expected version carries that version", async () => {
      const created = await t.store.create(OWNER, { title: "versioned delete" });
      await t.store.update(OWNER, created.id, { title: "again" }, 1);
      await t.client.query("DELETE FROM outbox");
      await t.store.delete(OWNER, created.id, 2);
      const events = await pendingEvents(t.client);
      expect(events.map((event) => [event.type, event.data.version])).toEqual([
        ["todo.deleted", 2],
      ]);
    });

    test("a conflict or a missing todo leaves no event", async () => {
      const created = await t.store.create(OWNER, { title: "contended" });
      await t.client.query("DELETE FROM outbox");
      const failures = [
        () => t.store.update(OWNER, created.id, { title: "stale" }, 7),
        () => t.store.delete(OWNER, created.id, 7),
        () => t.store.update(OWNER, UNKNOWN_ID, { title: "nobody" }, 1),
        () => t.store.delete(OWNER, UNKNOWN_ID),
        () => t.store.update(OTHER, created.id, { title: "not mine" }, 1),
        () => t.store.delete(OTHER, created.id),
      ];
      const errors: unknown[] = [];
      for (const failure of failures) errors.push(await rejection(failure()));
      expect(errors.map((error) => (error as Error).constructor)).toEqual([
        VersionMismatchError,
        VersionMismatchError,
        NotFoundError,
        NotFoundError,
        NotFoundError,
        NotFoundError,
      ]);
      expect(await pendingEvents(t.client)).toEqual([]);
      expect(await t.store.get(OWNER, created.id)).toMatchObject({
        title: "contended",
        version: 1,
      });
    });

    test("of concurrent updates from one version, only the winner leaves an event", async () => {
      const created = await t.store.create(OWNER, { title: "raced" });
      await t.client.query("DELETE FROM outbox");
      const outcomes = await Promise.allSettled(
        Array.from({ length: 5 }, (_, i) =>
          t.store.update(OWNER, created.id, { title: `w${i}` }, 1),
        ),
      );
      const winner = outcomes.find((outcome) => outcome.status === "fulfilled");
      const events = await pendingEvents(t.client);
      expect(events).toHaveLength(1);
      expect(events[0]?.data.title).toBe(winner?.status === "fulfilled" && winner.value.title);
    });

    test("a configured subject prefix is where each event will be published", async () => {
      const prefixed = createTodoStore(t.client, { subjectPrefix: "app.events" });
      const created = await prefixed.create(OWNER, { title: "elsewhere" });
      await prefixed.update(OWNER, created.id, { completed: true }, 1);
      await prefixed.delete(OWNER, created.id);
      expect((await pendingEvents(t.client)).map((event) => event.subject)).toEqual([
        "app.events.created",
        "app.events.updated",
        "app.events.deleted",
      ]);
    });
  });
}
