import { DependencyError } from "@tracemesh/errors";
import { createDeadline } from "@tracemesh/resilience";
import { describe, expect, test } from "vitest";
import type { TestDatabase } from "../test-utils.ts";
import { countTodos, holdTodos, OWNER, rejection, useTodoStore } from "./test-utils.ts";

/** What a call that ran out of its deadline must be: the contract's 503 naming the database. */
function expectDeadlineError(error: unknown): void {
  expect(error).toBeInstanceOf(DependencyError);
  expect((error as DependencyError).details).toEqual([{ type: "dependency", name: "database" }]);
  expect((error as DependencyError).deadlineExceeded).toBe(true);
}

/** Runs `call`, resolving with its rejection and how long it took to come. */
async function timedRejection(call: () => Promise<unknown>): Promise<[unknown, number]> {
  const started = performance.now();
  const error = await rejection(call());
  return [error, performance.now() - started];
}

/**
 * The request's deadline reaching the database, run against every backend: a statement that
 * cannot finish in time fails within the deadline, is never applied, and leaves the database
 * serving the next call. PostgreSQL cancels the statement; PGlite stops waiting for it.
 */
export function describeTodoStoreDeadline(
  backend: string,
  open: () => Promise<TestDatabase>,
): void {
  describe(`TodoStore under a request's deadline on ${backend}`, () => {
    const t = useTodoStore(open, ["todos", "outbox"]);

    test("with time enough, every operation runs as without a deadline", async () => {
      const call = { deadline: createDeadline(5_000) };
      const created = await t.store.create(OWNER, { title: "in time" }, call);
      expect(await t.store.get(OWNER, created.id, call)).toEqual(created);
      const updated = await t.store.update(OWNER, created.id, { completed: true }, 1, call);
      expect((await t.store.list(OWNER, 10, undefined, call)).items).toEqual([updated]);
      await t.store.delete(OWNER, created.id, 2, call);
      expect(await countTodos(t.client)).toBe(0);
    });

    test("a read that cannot finish in time fails within the deadline; the next one works", async () => {
      const created = await t.store.create(OWNER, { title: "held" });
      const hold = await holdTodos(t.client, 1_500);
      const [error, elapsed] = await timedRejection(() =>
        t.store.get(OWNER, created.id, { deadline: createDeadline(500) }),
      );
      expectDeadlineError(error);
      // It waited for its chance (not refused at once) and gave up before the deadline.
      expect(elapsed).toBeGreaterThanOrEqual(350);
      expect(elapsed).toBeLessThan(500);
      await hold.done;
      expect(await t.store.get(OWNER, created.id, { deadline: createDeadline(1_000) })).toEqual(
        created,
      );
    });

    test("a write that cannot finish in time fails within the deadline and is never applied", async () => {
      const hold = await holdTodos(t.client, 1_500);
      const [error, elapsed] = await timedRejection(() =>
        t.store.create(OWNER, { title: "too late" }, { deadline: createDeadline(500) }),
      );
      expectDeadlineError(error);
      expect(elapsed).toBeLessThan(500);
      await hold.done;
      // On PGlite the abandoned transaction still gets its turn: it must roll back, not commit.
      expect(await countTodos(t.client)).toBe(0);
      const events = await t.client.query("SELECT 1 FROM outbox");
      expect(events.rowCount).toBe(0);
      await t.store.create(OWNER, { title: "in time" }, { deadline: createDeadline(1_000) });
      expect(await countTodos(t.client)).toBe(1);
    });

    test("with less than the margin left, nothing is sent to the database", async () => {
      const hold = await holdTodos(t.client, 1_000);
      const [error, elapsed] = await timedRejection(() =>
        t.store.list(OWNER, 10, undefined, { deadline: createDeadline(20) }),
      );
      expectDeadlineError(error);
      // Not queued behind the hold: refused before any statement.
      expect(elapsed).toBeLessThan(20);
      await hold.done;
    });
  });
}
