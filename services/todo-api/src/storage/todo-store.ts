import { ConflictError, NotFoundError } from "@tracemesh/errors";
import type { SqlClient, SqlExecutor } from "./sql-client.ts";
import {
  isUuid,
  type NewTodo,
  TODO_COLUMNS,
  type Todo,
  type TodoPage,
  type TodoPatch,
  type TodoRow,
  toTodo,
} from "./todo.ts";
import { decodeCursor, encodeCursor } from "./todo-cursor.ts";

export interface TodoStore {
  /** Todos in creation order, `limit` at a time; `cursor` is the previous page's `nextCursor`. */
  list(limit: number, cursor?: string): Promise<TodoPage>;
  create(input: NewTodo): Promise<Todo>;
  /** @throws NotFoundError */
  get(id: string): Promise<Todo>;
  /**
   * Applies `patch` if the todo is still at `expectedVersion`, bumping the version.
   * @throws NotFoundError, or ConflictError (reason version_mismatch) when someone else won.
   */
  update(id: string, patch: TodoPatch, expectedVersion: number): Promise<Todo>;
  /** Deletes the todo, only at `expectedVersion` when one is given. @throws NotFoundError, ConflictError */
  delete(id: string, expectedVersion?: number): Promise<void>;
}

const LIST_FIRST = `SELECT ${TODO_COLUMNS} FROM todos ORDER BY created_at, id LIMIT $1`;
const LIST_AFTER = `SELECT ${TODO_COLUMNS} FROM todos
  WHERE (created_at, id) > ($2::timestamptz, $3::uuid) ORDER BY created_at, id LIMIT $1`;

function notFound(): NotFoundError {
  return new NotFoundError();
}

/** Tells a write that matched no row apart: the todo is gone, or it moved past the version. */
async function missedWrite(db: SqlExecutor, id: string): Promise<Error> {
  const current = await db.query<{ version: number }>("SELECT version FROM todos WHERE id = $1", [
    id,
  ]);
  const row = current.rows[0];
  if (row === undefined) return notFound();
  return new ConflictError({ reason: "version_mismatch", currentVersion: row.version });
}

/**
 * Todos in PostgreSQL (or PGlite) through a `SqlClient`. Each write is one statement, so it
 * needs no explicit transaction; writes that grow a second statement (an outbox event) move
 * into `client.transaction`.
 */
export function createTodoStore(client: SqlClient): TodoStore {
  return {
    async list(limit, cursor) {
      if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`invalid limit: ${limit}`);
      const after = cursor === undefined ? undefined : decodeCursor(cursor);
      // One extra row says whether another page exists without a COUNT.
      const result = after
        ? await client.query<TodoRow>(LIST_AFTER, [limit + 1, after.createdAt, after.id])
        : await client.query<TodoRow>(LIST_FIRST, [limit + 1]);
      const items = result.rows.slice(0, limit).map(toTodo);
      const last = items.at(-1);
      const more = result.rows.length > limit && last !== undefined;
      return { items, nextCursor: more ? encodeCursor(last) : null };
    },

    async create({ title, completed = false }) {
      const result = await client.query<TodoRow>(
        `INSERT INTO todos (title, completed) VALUES ($1, $2) RETURNING ${TODO_COLUMNS}`,
        [title, completed],
      );
      const row = result.rows[0];
      if (row === undefined) throw new Error("INSERT … RETURNING gave no row");
      return toTodo(row);
    },

    async get(id) {
      if (!isUuid(id)) throw notFound();
      const result = await client.query<TodoRow>(
        `SELECT ${TODO_COLUMNS} FROM todos WHERE id = $1`,
        [id],
      );
      const row = result.rows[0];
      if (row === undefined) throw notFound();
      return toTodo(row);
    },

    async update(id, patch, expectedVersion) {
      if (!isUuid(id)) throw notFound();
      const result = await client.query<TodoRow>(
        `UPDATE todos
           SET title = coalesce($3, title), completed = coalesce($4, completed),
               version = version + 1, updated_at = now()
         WHERE id = $1 AND version = $2
         RETURNING ${TODO_COLUMNS}`,
        [id, expectedVersion, patch.title ?? null, patch.completed ?? null],
      );
      const row = result.rows[0];
      if (row === undefined) throw await missedWrite(client, id);
      return toTodo(row);
    },

    async delete(id, expectedVersion) {
      if (!isUuid(id)) throw notFound();
      const result =
        expectedVersion === undefined
          ? await client.query("DELETE FROM todos WHERE id = $1", [id])
          : await client.query("DELETE FROM todos WHERE id = $1 AND version = $2", [
              id,
              expectedVersion,
            ]);
      if (result.rowCount === 0) throw await missedWrite(client, id);
    },
  };
}
