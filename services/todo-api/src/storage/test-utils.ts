import type { SqlClient } from "./sql-client.ts";

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
