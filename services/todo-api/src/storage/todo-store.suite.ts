import { ConflictError, DependencyError, NotFoundError } from "@tracemesh/errors";
import { describe, expect, test } from "vitest";
import type { TestDatabase } from "../test-utils.ts";
import { runMigrations } from "./migrate.ts";
import { countTodos, OWNER, rejection, UNKNOWN_ID, useTodoStore } from "./test-utils.ts";
import type { Todo } from "./todo.ts";
import { createTodoStore } from "./todo-store.ts";
import { VersionMismatchError } from "./version-mismatch.ts";

/**
 * The one TodoStore/SqlClient suite, run against every backend: `open` gives a migrated,
 * empty database of that backend (called again when a test needs one of its own).
 */
export function describeTodoStore(backend: string, open: () => Promise<TestDatabase>): void {
  describe(`TodoStore on ${backend}`, () => {
    const t = useTodoStore(open);

    test("migrations are recorded and running them again applies nothing", async () => {
      expect(await runMigrations(t.client)).toEqual([]);
      const applied = await t.client.query<{ name: string }>("SELECT name FROM schema_migrations");
      expect(applied.rows.map((row) => row.name)).toEqual(
        expect.arrayContaining(["0001_create_todos.sql", "0003_add_todo_owner.sql"]),
      );
    });

    test("creates a todo and reads it back", async () => {
      const created = await t.store.create(OWNER, { title: "write the store" });
      expect(created).toMatchObject({
        ownerId: OWNER,
        title: "write the store",
        completed: false,
        version: 1,
      });
      expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(created.createdAt).toBeInstanceOf(Date);
      expect(created.updatedAt.getTime()).toBe(created.createdAt.getTime());
      expect(await t.store.get(OWNER, created.id)).toEqual(created);
    });

    test("an unknown or malformed id is NotFoundError", async () => {
      expect(await rejection(t.store.get(OWNER, UNKNOWN_ID))).toBeInstanceOf(NotFoundError);
      expect(await rejection(t.store.get(OWNER, "not-a-uuid"))).toBeInstanceOf(NotFoundError);
      expect(await rejection(t.store.update(OWNER, UNKNOWN_ID, { title: "x" }, 1))).toBeInstanceOf(
        NotFoundError,
      );
      expect(await rejection(t.store.delete(OWNER, UNKNOWN_ID))).toBeInstanceOf(NotFoundError);
    });

    test("an update at the current version applies the patch and bumps the version", async () => {
      const created = await t.store.create(OWNER, { title: "first" });
      const renamed = await t.store.update(OWNER, created.id, { title: "second" }, 1);
      expect(renamed).toMatchObject({ title: "second", completed: false, version: 2 });
      const done = await t.store.update(OWNER, created.id, { completed: true }, 2);
      expect(done).toMatchObject({ title: "second", completed: true, version: 3 });
      expect(done.updatedAt.getTime()).toBeGreaterThanOrEqual(created.updatedAt.getTime());
      expect(done.createdAt).toEqual(created.createdAt);
    });

    test("a stale version is ConflictError version_mismatch, naming the current one, and changes nothing", async () => {
      const created = await t.store.create(OWNER, { title: "keep me" });
      await t.store.update(OWNER, created.id, { completed: true }, 1);
      const error = await rejection(t.store.update(OWNER, created.id, { title: "lost update" }, 1));
      expect(error).toBeInstanceOf(ConflictError);
      expect(error).toBeInstanceOf(VersionMismatchError);
      expect((error as VersionMismatchError).currentVersion).toBe(2);
      expect((error as ConflictError).details).toEqual([
        { reason: "version_mismatch", currentVersion: 2 },
      ]);
      expect(await t.store.get(OWNER, created.id)).toMatchObject({ title: "keep me", version: 2 });
    });

    test("concurrent updates from the same version: exactly one wins", async () => {
      const created = await t.store.create(OWNER, { title: "contended" });
      const outcomes = await Promise.allSettled(
        Array.from({ length: 5 }, (_, i) =>
          t.store.update(OWNER, created.id, { title: `writer ${i}` }, 1),
        ),
      );
      const winners = outcomes.filter((outcome) => outcome.status === "fulfilled");
      const losers = outcomes.filter((outcome) => outcome.status === "rejected");
      expect(winners).toHaveLength(1);
      expect(losers.every((outcome) => outcome.reason instanceof ConflictError)).toBe(true);
      const final = await t.store.get(OWNER, created.id);
      expect(final.version).toBe(2);
      expect(final.title).toBe(winners[0]?.status === "fulfilled" && winners[0].value.title);
    });

    test("delete removes the todo, and honours an expected version", async () => {
      const created = await t.store.create(OWNER, { title: "short-lived" });
      expect(await rejection(t.store.delete(OWNER, created.id, 7))).toBeInstanceOf(ConflictError);
      await t.store.delete(OWNER, created.id, 1);
      expect(await rejection(t.store.get(OWNER, created.id))).toBeInstanceOf(NotFoundError);
      expect(await rejection(t.store.delete(OWNER, created.id))).toBeInstanceOf(NotFoundError);
    });

    test("pagination visits every row exactly once, oldest first", async () => {
      const ids: string[] = [];
      for (let i = 0; i < 9; i++)
        ids.push((await t.store.create(OWNER, { title: `single ${i}` })).id);
      // Rows written in one transaction share created_at: the id breaks the tie.
      await t.client.transaction(async (tx) => {
        for (let i = 0; i < 14; i++) {
          await tx.query("INSERT INTO todos (owner_id, title) VALUES ($1, $2)", [
            OWNER,
            `batch ${i}`,
          ]);
        }
      });
      const seen: Todo[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await t.store.list(OWNER, 5, cursor);
        expect(page.items.length).toBeLessThanOrEqual(5);
        seen.push(...page.items);
        cursor = page.nextCursor ?? undefined;
        pages++;
      } while (cursor !== undefined && pages < 20);
      expect(pages).toBe(5);
      const seenIds = seen.map((todo) => todo.id);
      expect(seenIds).toHaveLength(23);
      expect(new Set(seenIds).size).toBe(23);
      expect(seenIds).toEqual(expect.arrayContaining(ids));
      // Creation time first, id among rows of the same millisecond.
      const sorted = seen.toSorted(
        (a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1),
      );
      expect(seenIds).toEqual(sorted.map((todo) => todo.id));
      const everything = await t.store.list(OWNER, 100);
      expect(everything.items.map((todo) => todo.id)).toEqual(seenIds);
      expect(everything.nextCursor).toBeNull();
    });

    test("a transaction that throws leaves nothing half-written", async () => {
      const boom = new Error("boom");
      const thrown = await rejection(
        t.client.transaction(async (tx) => {
          await tx.query("INSERT INTO todos (owner_id, title) VALUES ($1, $2)", [OWNER, "half"]);
          throw boom;
        }),
      );
      expect(thrown).toBe(boom);
      const failed = await rejection(
        t.client.transaction(async (tx) => {
          await tx.query("INSERT INTO todos (owner_id, title) VALUES ($1, $2)", [OWNER, "half"]);
          await tx.query("INSERT INTO todos (owner_id, title) VALUES ($1, $2)", [OWNER, ""]);
        }),
      );
      // A broken statement is a bug, not an outage: it keeps its SQLSTATE (check_violation).
      expect(failed).not.toBeInstanceOf(DependencyError);
      expect(failed).toMatchObject({ code: "23514" });
      expect(await countTodos(t.client)).toBe(0);
      await t.client.transaction((tx) =>
        tx.query("INSERT INTO todos (owner_id, title) VALUES ($1, 'kept')", [OWNER]),
      );
      expect(await countTodos(t.client)).toBe(1);
    });

    test("a failing migration leaves nothing behind", async () => {
      const broken = [
        { name: "9001_ok.sql", sql: "CREATE TABLE would_be_kept (id int)" },
        { name: "9002_broken.sql", sql: "CREATE TABLE nope (" },
      ];
      await expect(runMigrations(t.client, broken)).rejects.toMatchObject({ code: "42601" });
      const kept = await t.client.query("SELECT to_regclass('would_be_kept') AS t");
      expect(kept.rows[0]).toEqual({ t: null });
      const recorded = await t.client.query(
        "SELECT name FROM schema_migrations WHERE name LIKE '900%'",
      );
      expect(recorded.rowCount).toBe(0);
    });

    test("ping answers while the database is up", async () => {
      await expect(t.client.ping()).resolves.toBeUndefined();
    });

    test("a closed database is DependencyError (database), not a crash or a hang", async () => {
      const other = await open();
      await other.client.close();
      for (const call of [
        () => other.client.ping(),
        () => createTodoStore(other.client).list(OWNER, 10),
        () => other.client.transaction((tx) => tx.query("SELECT 1")),
      ]) {
        const error = await rejection(call());
        expect(error).toBeInstanceOf(DependencyError);
        expect((error as DependencyError).details).toEqual([
          { type: "dependency", name: "database" },
        ]);
      }
      await other.dispose();
    });
  });
}
