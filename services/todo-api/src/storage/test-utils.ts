import { afterAll, beforeAll, beforeEach } from "vitest";
import type { TestDatabase } from "../test-utils.ts";
import type { SqlClient } from "./sql-client.ts";
import { createTodoStore, type TodoStore } from "./todo-store.ts";

// Shared by the store suites (todo-store*.suite.ts), each run against PGlite and PostgreSQL.

/** auth's subject of the user the todos belong to (alice): opaque to the store. */
export const OWNER = "0b6f3c1e-6a0e-4b8e-9d1a-3f2a4c5b6d01";
/** Another owner (bob). */
export const OTHER = "5c2d8e4f-1b3a-4c6d-8e9f-0a1b2c3d4e02";
/** An id no todo has. */
export const UNKNOWN_ID = "0b9f5e0c-5d1e-4a6b-9c39-1f2e3d4c5b6a";

/** The error `promise` rejects with; fails the test when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: unknown) => error,
  );
}

/** How many todo rows the database holds, whoever owns them. */
export async function countTodos(client: SqlClient): Promise<number> {
  const result = await client.query<{ n: number }>("SELECT count(*)::int AS n FROM todos");
  return result.rows[0]?.n ?? -1;
}

/** What a store suite works on: the backend's client and a TodoStore over it. */
export interface StoreFixture {
  readonly client: SqlClient;
  readonly store: TodoStore;
}

/**
 * Opens the backend's database before the suite's tests (`open` gives it migrated and empty),
 * empties `tables` before each test, and disposes of it after. Read the fixture in tests only.
 */
export function useTodoStore(
  open: () => Promise<TestDatabase>,
  tables: readonly string[] = ["todos"],
): StoreFixture {
  let database: TestDatabase | undefined;
  let store: TodoStore | undefined;
  const opened = () => {
    if (database === undefined || store === undefined) throw new Error("used before beforeAll");
    return { client: database.client, store };
  };
  beforeAll(async () => {
    database = await open();
    store = createTodoStore(database.client);
  });
  afterAll(() => database?.dispose());
  beforeEach(async () => {
    for (const table of tables) await opened().client.query(`DELETE FROM ${table}`);
  });
  return {
    get client() {
      return opened().client;
    },
    get store() {
      return opened().store;
    },
  };
}

/** A transaction that holds the todos table; `done` settles when it has let go. */
export interface TodosHold {
  done: Promise<void>;
}

/**
 * Holds the todos table for `ms` from another transaction, so that any statement on it waits:
 * on PostgreSQL behind an exclusive lock, on PGlite behind its one connection as well.
 * Resolves once the hold is in place.
 */
export async function holdTodos(client: SqlClient, ms: number): Promise<TodosHold> {
  let held: () => void = () => {};
  const inPlace = new Promise<void>((resolve) => {
    held = resolve;
  });
  const done = client.transaction(async (tx) => {
    await tx.query("LOCK TABLE todos IN ACCESS EXCLUSIVE MODE");
    held();
    await new Promise((resolve) => setTimeout(resolve, ms));
  });
  await Promise.race([inPlace, done]);
  return { done };
}
