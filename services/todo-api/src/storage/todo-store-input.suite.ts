import { InvalidParameterError } from "@tracemesh/errors";
import { describe, expect, test } from "vitest";
import type { TestDatabase } from "../test-utils.ts";
import { countTodos, OWNER, rejection, UNKNOWN_ID, useTodoStore } from "./test-utils.ts";

/**
 * What the client sends that the database cannot take, run against every backend like
 * `describeTodoStore`: it is refused as the client's input, the same way on each backend,
 * never reaching the database as a statement that fails (a 500).
 */
export function describeTodoStoreInput(backend: string, open: () => Promise<TestDatabase>): void {
  describe(`TodoStore input on ${backend}`, () => {
    const t = useTodoStore(open);

    test("a cursor that did not come from the store is InvalidParameterError on cursor", async () => {
      await t.store.create(OWNER, { title: "there is a page" });
      const cursorOf = (createdAt: string, id = UNKNOWN_ID) =>
        Buffer.from(JSON.stringify([createdAt, id])).toString("base64url");
      const issued = cursorOf("2026-01-01T00:00:00.000Z");
      const forged = [
        "garbage!",
        Buffer.from("[1,2]").toString("base64url"),
        Buffer.from(`["yesterday","${UNKNOWN_ID}"]`).toString("base64url"),
        cursorOf("2026-01-01T00:00:00.000Z", "x"),
        // Dates JavaScript can write but the database cannot hold: PostgreSQL says 22008,
        // PGlite 22009, for some of them only.
        cursorOf("-004714-01-01T00:00:00.000Z", "00000000-0000-0000-0000-000000000000"),
        cursorOf("0000-01-01T00:00:00.000Z"),
        cursorOf("+275760-09-13T00:00:00.000Z"),
        cursorOf("+010000-01-01T00:00:00.000Z"),
        // The issued position, spelt in ways the store never writes.
        `${issued}==`,
        ` ${issued}`,
        Buffer.from(` ${Buffer.from(issued, "base64url").toString()}`).toString("base64url"),
        cursorOf("2026-01-01T00:00:00.000Z", UNKNOWN_ID.toUpperCase()),
        cursorOf("2026-01-01T00:00:00Z"),
      ];
      for (const cursor of forged) {
        const error = await rejection(t.store.list(OWNER, 10, cursor));
        expect(error, cursor).toBeInstanceOf(InvalidParameterError);
        expect((error as InvalidParameterError).details).toEqual([
          { field: "cursor", issue: "invalid_value" },
        ]);
      }
      // The oldest and newest dates a cursor may name still page as usual.
      for (const edge of ["0001-01-01T00:00:00.000Z", "9999-12-31T23:59:59.999Z"]) {
        expect((await t.store.list(OWNER, 10, cursorOf(edge))).nextCursor).toBeNull();
      }
      expect((await t.store.list(OWNER, 10, issued)).items).toHaveLength(1);
    });

    test("a value no column can hold is the client's InvalidParameterError, never a 500", async () => {
      const created = await t.store.create(OWNER, { title: "guarded" });
      // Past validation on purpose: what the store does if a route ever lets one through.
      for (const call of [
        () => t.store.create(OWNER, { title: "nul\u0000byte" }),
        () => t.store.update(OWNER, created.id, { title: "x" }, 2 ** 31),
      ]) {
        const error = await rejection(call());
        expect(error).toBeInstanceOf(InvalidParameterError);
        expect((error as InvalidParameterError).cause).toMatchObject({
          code: expect.stringMatching(/^22/),
        });
      }
      expect(await t.store.get(OWNER, created.id)).toMatchObject({ title: "guarded", version: 1 });
      expect(await countTodos(t.client)).toBe(1);
    });

    test("titles are stored as sent: 200 code points fit even where they are 400 UTF-16 units", async () => {
      const emoji = "😀".repeat(200);
      const created = await t.store.create(OWNER, { title: emoji });
      expect((await t.store.get(OWNER, created.id)).title).toBe(emoji);
    });
  });
}
