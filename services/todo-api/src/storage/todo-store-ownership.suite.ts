import { ConflictError, NotFoundError } from "@tracemesh/errors";
import { describe, expect, test } from "vitest";
import type { TestDatabase } from "../test-utils.ts";
import { OTHER, OWNER, rejection, useTodoStore } from "./test-utils.ts";

/**
 * Owner scoping, run against every backend like `describeTodoStore`: another owner's todo
 * behaves exactly like one that does not exist, for every operation.
 */
export function describeTodoOwnership(backend: string, open: () => Promise<TestDatabase>): void {
  describe(`TodoStore owners on ${backend}`, () => {
    const t = useTodoStore(open);

    test("another owner's todo is NotFoundError for read, update and delete, and stays intact", async () => {
      const mine = await t.store.create(OWNER, { title: "mine" });
      expect(await rejection(t.store.get(OTHER, mine.id))).toBeInstanceOf(NotFoundError);
      // Even at the right version: a ConflictError would reveal that the id exists.
      const update = await rejection(t.store.update(OTHER, mine.id, { title: "theirs" }, 1));
      expect(update).toBeInstanceOf(NotFoundError);
      const stale = await rejection(t.store.update(OTHER, mine.id, { title: "theirs" }, 9));
      expect(stale).toBeInstanceOf(NotFoundError);
      expect(await rejection(t.store.delete(OTHER, mine.id))).toBeInstanceOf(NotFoundError);
      expect(await rejection(t.store.delete(OTHER, mine.id, 9))).toBeInstanceOf(NotFoundError);
      expect(await t.store.get(OWNER, mine.id)).toEqual(mine);
    });

    test("a stale version of one's own todo is still a conflict", async () => {
      const mine = await t.store.create(OWNER, { title: "mine" });
      const error = await rejection(t.store.update(OWNER, mine.id, { title: "x" }, 9));
      expect(error).toBeInstanceOf(ConflictError);
    });

    test("lists hold only the owner's todos, and a cursor cannot reach across owners", async () => {
      const mine = [];
      for (let i = 0; i < 3; i++) {
        mine.push((await t.store.create(OWNER, { title: `mine ${i}` })).id);
        await t.store.create(OTHER, { title: `theirs ${i}` });
      }
      const first = await t.store.list(OWNER, 2);
      expect(first.items.every((todo) => todo.ownerId === OWNER)).toBe(true);
      const second = await t.store.list(OWNER, 2, first.nextCursor ?? undefined);
      // Rows of the same millisecond are ordered by id, not by creation: compare as sets.
      const walked = [...first.items, ...second.items].map((todo) => todo.id);
      expect(walked.toSorted()).toEqual(mine.toSorted());
      expect(second.nextCursor).toBeNull();
      // The other owner's walk from my cursor only finds theirs.
      const across = await t.store.list(OTHER, 10, first.nextCursor ?? undefined);
      expect(across.items.every((todo) => todo.ownerId === OTHER)).toBe(true);
      expect((await t.store.list("nobody", 10)).items).toEqual([]);
    });

    test("an empty owner is a programming error, not an empty result", async () => {
      await expect(t.store.list("", 10)).rejects.toBeInstanceOf(TypeError);
      await expect(t.store.create("", { title: "x" })).rejects.toBeInstanceOf(TypeError);
    });

    test("the database refuses a todo without an owner; rows from before owners stay invisible", async () => {
      await expect(
        t.client.query("INSERT INTO todos (title) VALUES ('ownerless')"),
      ).rejects.toMatchObject({ code: "23514" });
      // A row written before 0003 (no owner): simulated by lifting the check for one insert.
      await t.client.transaction(async (tx) => {
        await tx.exec("ALTER TABLE todos DROP CONSTRAINT todos_owner_id_required");
        await tx.query("INSERT INTO todos (title) VALUES ('legacy')");
        await tx.exec(
          "ALTER TABLE todos ADD CONSTRAINT todos_owner_id_required CHECK (owner_id IS NOT NULL) NOT VALID",
        );
      });
      expect((await t.store.list(OWNER, 10)).items).toEqual([]);
    });
  });
}
