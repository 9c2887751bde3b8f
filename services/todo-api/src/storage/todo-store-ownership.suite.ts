import { ConflictError, NotFoundError } from "@tracemesh/errors";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import type { TestDatabase } from "../test-utils.ts";
import type { SqlClient } from "./sql-client.ts";
import { OTHER, OWNER, rejection } from "./test-utils.ts";
import { createTodoStore, type TodoStore } from "./todo-store.ts";

/**
 * Owner scoping, run against every backend like `describeTodoStore`: another owner's todo
 * behaves exactly like one that does not exist, for every operation.
 */
export function describeTodoOwnership(backend: string, open: () => Promise<TestDatabase>): void {
  describe(`TodoStore owners on ${backend}`, () => {
    let database: TestDatabase;
    let client: SqlClient;
    let store: TodoStore;

    beforeAll(async () => {
      database = await open();
      client = database.client;
      store = createTodoStore(client);
    });
    afterAll(() => database?.dispose());
    beforeEach(() => client.query("DELETE FROM todos"));

    test("another owner's todo is NotFoundError for read, update and delete, and stays intact", async () => {
      const mine = await store.create(OWNER, { title: "mine" });
      expect(await rejection(store.get(OTHER, mine.id))).toBeInstanceOf(NotFoundError);
      // Even at the right version: a ConflictError would reveal that the id exists.
      const update = await rejection(store.update(OTHER, mine.id, { title: "theirs" }, 1));
      expect(update).toBeInstanceOf(NotFoundError);
      const stale = await rejection(store.update(OTHER, mine.id, { title: "theirs" }, 9));
      expect(stale).toBeInstanceOf(NotFoundError);
      expect(await rejection(store.delete(OTHER, mine.id))).toBeInstanceOf(NotFoundError);
      expect(await rejection(store.delete(OTHER, mine.id, 9))).toBeInstanceOf(NotFoundError);
      expect(await store.get(OWNER, mine.id)).toEqual(mine);
    });

    test("a stale version of one's own todo is still a conflict", async () => {
      const mine = await store.create(OWNER, { title: "mine" });
      const error = await rejection(store.update(OWNER, mine.id, { title: "x" }, 9));
      expect(error).toBeInstanceOf(ConflictError);
    });

    test("lists hold only the owner's todos, and a cursor cannot reach across owners", async () => {
      const mine = [];
      for (let i = 0; i < 3; i++) {
        mine.push((await store.create(OWNER, { title: `mine ${i}` })).id);
        await store.create(OTHER, { title: `theirs ${i}` });
      }
      const first = await store.list(OWNER, 2);
      expect(first.items.every((todo) => todo.ownerId === OWNER)).toBe(true);
      const second = await store.list(OWNER, 2, first.nextCursor ?? undefined);
      // Rows of the same millisecond are ordered by id, not by creation: compare as sets.
      const walked = [...first.items, ...second.items].map((todo) => todo.id);
      expect(walked.toSorted()).toEqual(mine.toSorted());
      expect(second.nextCursor).toBeNull();
      // The other owner's walk from my cursor only finds theirs.
      const across = await store.list(OTHER, 10, first.nextCursor ?? undefined);
      expect(across.items.every((todo) => todo.ownerId === OTHER)).toBe(true);
      expect((await store.list("nobody", 10)).items).toEqual([]);
    });

    test("an empty owner is a programming error, not an empty result", async () => {
      await expect(store.list("", 10)).rejects.toBeInstanceOf(TypeError);
      await expect(store.create("", { title: "x" })).rejects.toBeInstanceOf(TypeError);
    });

    test("the database refuses a todo without an owner; rows from before owners stay invisible", async () => {
      await expect(
        client.query("INSERT INTO todos (title) VALUES ('ownerless')"),
      ).rejects.toMatchObject({ code: "23514" });
      // A row written before 0003 (no owner): simulated by lifting the check for one insert.
      await client.transaction(async (tx) => {
        await tx.exec("ALTER TABLE todos DROP CONSTRAINT todos_owner_id_required");
        await tx.query("INSERT INTO todos (title) VALUES ('legacy')");
        await tx.exec(
          "ALTER TABLE todos ADD CONSTRAINT todos_owner_id_required CHECK (owner_id IS NOT NULL) NOT VALID",
        );
      });
      expect((await store.list(OWNER, 10)).items).toEqual([]);
    });
  });
}
