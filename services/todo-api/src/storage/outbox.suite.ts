import { randomUUID } from "node:crypto";
import { DependencyError } from "@tracemesh/errors";
import { createCloudEvent, createOutboxRelay, PermanentEventError } from "@tracemesh/queue";
import { waitFor } from "@tracemesh/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { todoEvent } from "../events/todo-event.ts";
import type { TestDatabase } from "../test-utils.ts";
import { appendOutboxEvent, createSqlOutboxSource } from "./outbox.ts";
import { countOutbox, outboxRecord, outboxRow } from "./outbox-fixtures.ts";
import type { SqlClient } from "./sql-client.ts";

/** The one SQL outbox suite, run against every backend (see todo-store.suite.ts). */
export function describeOutbox(backend: string, open: () => Promise<TestDatabase>): void {
  describe(`SQL outbox on ${backend}`, () => {
    let database: TestDatabase;
    let client: SqlClient;

    beforeAll(async () => {
      database = await open();
      client = database.client;
    });
    afterAll(() => database?.dispose());
    beforeEach(() => client.query("DELETE FROM outbox"));

    test("events appended in a transaction that rolls back leave nothing", async () => {
      const boom = new Error("the todo write failed");
      const thrown = await client
        .transaction(async (tx) => {
          await appendOutboxEvent(tx, outboxRecord());
          await appendOutboxEvent(tx, outboxRecord());
          throw boom;
        })
        .catch((error: unknown) => error);
      expect(thrown).toBe(boom);
      expect(await countOutbox(client)).toBe(0);
      expect(await createSqlOutboxSource(client).claimPending(10)).toEqual([]);

      const kept = outboxRecord();
      await client.transaction((tx) => appendOutboxEvent(tx, kept));
      expect(await createSqlOutboxSource(client).claimPending(10)).toEqual([kept]);
    });

    test("a claim gives whole records, oldest first, across and within transactions", async () => {
      const records = Array.from({ length: 7 }, () => outboxRecord());
      const [first, second, ...rest] = records;
      if (!first || !second) throw new Error("no records");
      await appendOutboxEvent(client, first);
      await client.transaction(async (tx) => {
        // Rows of one transaction share created_at: the order is still the append order.
        for (const record of rest) await appendOutboxEvent(tx, record);
      });
      await appendOutboxEvent(client, second);
      const source = createSqlOutboxSource(client);
      const expected = [first, ...rest, second];
      expect(await source.claimPending(3)).toEqual(expected.slice(0, 3));
      expect(await source.claimPending(100)).toEqual(expected);
    });

    test("a record without trace context comes back without it", async () => {
      const bare = outboxRecord({ traceparent: undefined, tracestate: undefined, baggage: "" });
      await appendOutboxEvent(client, bare);
      const [claimed] = await createSqlOutboxSource(client).claimPending(1);
      expect(claimed).toEqual({ id: bare.id, subject: bare.subject, event: bare.event });
    });

    test("the record of a todo change round-trips through the table", async () => {
      const createdAt = new Date("2026-11-25T10:00:00.123Z");
      const todo = {
        id: randomUUID(),
        title: "with its event",
        completed: false,
        version: 1,
        ownerId: "user-1",
        createdAt,
        updatedAt: createdAt,
      };
      const record = todoEvent("todo.created", todo);
      await client.transaction((tx) => appendOutboxEvent(tx, record));
      const [claimed] = await createSqlOutboxSource(client).claimPending(10);
      expect(claimed).toEqual(record);
      expect(claimed?.event).toMatchObject({
        type: "todo.created",
        subject: todo.id,
        time: "2026-11-25T10:00:00.123Z",
        data: {
          ...todo,
          createdAt: "2026-11-25T10:00:00.123Z",
          updatedAt: createdAt.toISOString(),
        },
      });
    });

    test("published records are never claimed again", async () => {
      const records = Array.from({ length: 4 }, () => outboxRecord());
      for (const record of records) await appendOutboxEvent(client, record);
      const source = createSqlOutboxSource(client);
      const claimed = await source.claimPending(2);
      await source.markPublished(claimed.map((record) => record.id));
      await source.markPublished([]);
      expect(await source.claimPending(10)).toEqual(records.slice(2));
      expect(await outboxRow(client, records[0]?.id ?? "")).toMatchObject({
        attempts: 1,
        published_at: expect.any(Date),
      });
    });

    test("another relay waits for the lease; the holder takes its rows back at once", async () => {
      const records = Array.from({ length: 3 }, () => outboxRecord());
      for (const record of records) await appendOutboxEvent(client, record);
      const holder = createSqlOutboxSource(client, { leaseMs: 400 });
      const other = createSqlOutboxSource(client, { leaseMs: 400 });
      expect(await holder.claimPending(2)).toEqual(records.slice(0, 2));
      expect(await other.claimPending(10)).toEqual(records.slice(2));
      // A retry after a failed publish: the same rows, in the same order.
      expect(await holder.claimPending(10)).toEqual(records.slice(0, 2));
      expect(await other.claimPending(10)).toEqual(records.slice(2));
      await new Promise((resolve) => setTimeout(resolve, 600));
      // The holder died: once its lease ended, its rows are the other relay's.
      expect(await other.claimPending(10)).toEqual(records);
      expect((await outboxRow(client, records[0]?.id ?? ""))?.attempts).toBe(3);
    });

    test("a todo's later events wait while another relay holds an earlier one's lease", async () => {
      const todo = randomUUID();
      const ofTodo = (n: number) => {
        const event = createCloudEvent({
          type: "todo.updated",
          source: "/todo-api",
          subject: todo,
          data: { n },
        });
        return outboxRecord({ id: event.id, event });
      };
      const [first, second] = [ofTodo(1), ofTodo(2)];
      const otherTodo = outboxRecord();
      await appendOutboxEvent(client, first);
      const holder = createSqlOutboxSource(client, { leaseMs: 400 });
      expect(await holder.claimPending(10)).toEqual([first]);
      // The holder dies mid-publish; todo-api starts again, the todo is written to again.
      await appendOutboxEvent(client, second);
      await appendOutboxEvent(client, otherTodo);
      const restarted = createSqlOutboxSource(client, { leaseMs: 400 });
      expect(await restarted.claimPending(10)).toEqual([otherTodo]);
      // The holder itself is not held back by its own lease.
      expect(await holder.claimPending(10)).toEqual([first, second]);
      await new Promise((resolve) => setTimeout(resolve, 600));
      // Its lease over, the todo's events go out in the order they were written.
      expect(await restarted.claimPending(10)).toEqual([first, second, otherTodo]);
    });

    test("concurrent relays never get the same row, and together get them all", async () => {
      const ids: string[] = [];
      await client.transaction(async (tx) => {
        for (let i = 0; i < 120; i++) {
          const record = outboxRecord();
          ids.push(record.id);
          await appendOutboxEvent(tx, record);
        }
      });
      const relays = Array.from({ length: 4 }, () => createSqlOutboxSource(client));
      const handed = await Promise.all(
        relays.map(async (source) => {
          const mine: string[] = [];
          for (;;) {
            const batch = await source.claimPending(7);
            if (batch.length === 0) return mine;
            mine.push(...batch.map((record) => record.id));
            await source.markPublished(batch.map((record) => record.id));
          }
        }),
      );
      const all = handed.flat();
      expect(all).toHaveLength(ids.length);
      expect(new Set(all)).toEqual(new Set(ids));
      for (const mine of handed) {
        // Each relay's share is in creation order.
        expect(mine).toEqual(ids.filter((id) => mine.includes(id)));
      }
    });

    test("a failure is kept on the row until it is published", async () => {
      const record = outboxRecord();
      await appendOutboxEvent(client, record);
      const source = createSqlOutboxSource(client);
      await source.claimPending(1);
      const cause = new Error("TIMEOUT");
      await source.recordFailure(record.id, new DependencyError({ dependency: "nats", cause }));
      expect((await outboxRow(client, record.id))?.last_error).toBe("Error: TIMEOUT");
      await source.markPublished([record.id]);
      expect((await outboxRow(client, record.id))?.last_error).toBeNull();
    });

    test("a parked row is never claimed again, keeps its reason, and outlives pruning", async () => {
      const [published, parked, pending] = [outboxRecord(), outboxRecord(), outboxRecord()];
      for (const record of [published, parked, pending]) await appendOutboxEvent(client, record);
      const source = createSqlOutboxSource(client);
      expect(await source.claimPending(10)).toEqual([published, parked, pending]);
      await source.markPublished([published.id]);
      await source.markFailed(
        parked.id,
        `event refused: max_payload size exceeded ${"!".repeat(600)}`,
      );
      // Its holder retries what it claimed: all but the parked row.
      expect(await source.claimPending(10)).toEqual([pending]);
      expect(await createSqlOutboxSource(client).claimPending(10)).toEqual([]);
      const row = await outboxRow(client, parked.id);
      expect(row).toMatchObject({ published_at: null, failed_at: expect.any(Date) });
      expect(row?.failed_reason).toMatch(/^event refused: max_payload size exceeded !+$/);
      expect(row?.failed_reason).toHaveLength(500);
      // A published row is not parked after the fact.
      await source.markFailed(published.id, "too late");
      expect((await outboxRow(client, published.id))?.failed_at).toBeNull();
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await source.prunePublished(1)).toBe(1);
      expect(await outboxRow(client, parked.id)).toBeDefined();
    });

    test("the relay parks a row no retry can publish and publishes the rows behind it", async () => {
      const records = Array.from({ length: 4 }, () => outboxRecord());
      for (const record of records) await appendOutboxEvent(client, record);
      const poison = records[1]?.id;
      const sent: string[] = [];
      const relay = createOutboxRelay({
        source: createSqlOutboxSource(client),
        publish: async (event) => {
          if (event.id === poison) throw new PermanentEventError("event refused: too large");
          sent.push(event.id);
        },
      });
      expect(await relay.flush()).toEqual({ published: 3, parked: 1 });
      expect(await relay.flush()).toEqual({ published: 0, parked: 0 });
      expect(sent).toEqual(records.filter((record) => record.id !== poison).map((r) => r.id));
      expect((await outboxRow(client, poison ?? ""))?.failed_reason).toBe(
        "event refused: too large",
      );
    });

    test("pruning deletes published rows past the retention, never pending ones", async () => {
      const [published, pending] = [outboxRecord(), outboxRecord()];
      await appendOutboxEvent(client, published);
      await appendOutboxEvent(client, pending);
      const source = createSqlOutboxSource(client);
      await source.markPublished([published.id]);
      expect(await source.prunePublished(60_000)).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await source.prunePublished(1)).toBe(1);
      expect(await source.claimPending(10)).toEqual([pending]);
    });

    test("the backlog counts pending and parked rows and ages the oldest pending one", async () => {
      const source = createSqlOutboxSource(client);
      expect(await source.backlog()).toEqual({
        pending: 0,
        parked: 0,
        oldestPendingAgeSeconds: 0,
      });
      const [published, parked, waiting, waitingLonger] = Array.from({ length: 4 }, () =>
        outboxRecord(),
      );
      if (!published || !parked || !waiting || !waitingLonger) throw new Error("no records");
      for (const record of [published, parked, waiting, waitingLonger]) {
        await appendOutboxEvent(client, record);
      }
      await client.query(
        "UPDATE outbox SET created_at = now() - interval '90 seconds' WHERE id = $1",
        [waitingLonger.id],
      );
      await source.markPublished([published.id]);
      await source.markFailed(parked.id, "over max_payload");

      const backlog = await source.backlog();
      expect(backlog).toMatchObject({ pending: 2, parked: 1 });
      expect(backlog.oldestPendingAgeSeconds).toBeGreaterThanOrEqual(90);
      expect(backlog.oldestPendingAgeSeconds).toBeLessThan(120);
    });

    test("a commit that writes events notifies the relay once; a rollback does not", async () => {
      let notified = 0;
      const stop = await client.listen("outbox_inserted", () => {
        notified += 1;
      });
      try {
        await client.transaction(async (tx) => {
          await appendOutboxEvent(tx, outboxRecord());
          await appendOutboxEvent(tx, outboxRecord());
        });
        await waitFor(() => notified === 1, "the commit's notification");
        await client
          .transaction(async (tx) => {
            await appendOutboxEvent(tx, outboxRecord());
            throw new Error("rolled back");
          })
          .catch(() => {});
        await appendOutboxEvent(client, outboxRecord());
        // Notifications come in commit order: one for the rollback would have come first.
        await waitFor(() => notified >= 2, "the last write's notification");
        expect(notified).toBe(2);
      } finally {
        await stop();
      }
    });

    test("a claim size that is not a positive whole number is refused", async () => {
      const source = createSqlOutboxSource(client);
      for (const limit of [0, -1, 1.5]) {
        await expect(source.claimPending(limit)).rejects.toBeInstanceOf(RangeError);
      }
    });
  });
}
