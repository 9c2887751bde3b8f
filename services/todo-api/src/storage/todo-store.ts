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

/**
 * Todos, always of one owner (auth's `subject`): every operation takes the owner first, and a
 * todo of another owner is indistinguishable from one that does not exist (NotFoundError).
 */
export interface TodoStore {
  /** The owner's todos in creation order, `limit` at a time; `cursor` is the previous page's `nextCursor`. */
  list(owner: string, limit: number, cursor?: string): Promise<TodoPage>;
  create(owner: string, input: NewTodo): Promise<Todo>;
  /** @throws NotFoundError */
  get(owner: string, id: string): Promise<Todo>;
  /**
   * Applies `patch` if the todo is still at `expectedVersion`, bumping the version.
   * @throws NotFoundError, or ConflictError (reason version_mismatch) when someone else won.
   */
  update(owner: string, id: string, patch: TodoPatch, expectedVersion: number): Promise<Todo>;
  /** Deletes the todo, only at `expectedVersion` when one is given. @throws NotFoundError, ConflictError */
  delete(owner: string, id: string, expectedVersion?: number): Promise<void>;
}

const LIST_FIRST = `SELECT ${TODO_COLUMNS} FROM todos
  WHERE owner_id = $1 ORDER BY created_at, id LIMIT $2`;
const LIST_AFTER = `SELECT ${TODO_COLUMNS} FROM todos
  WHERE owner_id = $1 AND (created_at, id) > ($3::timestamptz, $4::uuid)
  ORDER BY created_at, id LIMIT $2`;

function notFound(): NotFoundError {
  return new NotFoundError();
}

// An empty owner would be a bug upstream (a decision without a subject), never a client error.
function requireOwner(owner: string): string {
  if (typeof owner !== "string" || owner === "") throw new TypeError("a todo owner is required");
  return owner;
}

/** Tells a write that matched no row apart: the todo is gone (or not the owner's), or it moved past the version. */
async function missedWrite(db: SqlExecutor, owner: string, id: string): Promise<Error> {
  const current = await db.query<{ version: number }>(
    "SELECT version FROM todos WHERE id = $1 AND owner_id = $2",
    [id, owner],
  );
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
    async list(owner, limit, cursor) {
      requireOwner(owner);
      if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`invalid limit: ${limit}`);
      const after = cursor === undefined ? undefined : decodeCursor(cursor);
      // One extra row says whether another page exists without a COUNT.
      const result = after
        ? await client.query<TodoRow>(LIST_AFTER, [owner, limit + 1, after.createdAt, after.id])
        : await client.query<TodoRow>(LIST_FIRST, [owner, limit + 1]);
      const items = result.rows.slice(0, limit).map(toTodo);
      const last = items.at(-1);
      const more = result.rows.length > limit && last !== undefined;
      return { items, nextCursor: more ? encodeCursor(last) : null };
    },

    async create(owner, { title, completed = false }) {
      const result = await client.query<TodoRow>(
        `INSERT INTO todos (owner_id, title, completed) VALUES ($1, $2, $3)
         RETURNING ${TODO_COLUMNS}`,
        [requireOwner(owner), title, completed],
      );
      const row = result.rows[0];
      if (row === undefined) throw new Error("INSERT … RETURNING gave no row");
      return toTodo(row);
    },

    async get(owner, id) {
      requireOwner(owner);
      if (!isUuid(id)) throw notFound();
      const result = await client.query<TodoRow>(
        `SELECT ${TODO_COLUMNS} FROM todos WHERE id = $1 AND owner_id = $2`,
        [id, owner],
      );
      const row = result.rows[0];
      if (row === undefined) throw notFound();
      return toTodo(row);
    },

    async update(owner, id, patch, expectedVersion) {
      requireOwner(owner);
      if (!isUuid(id)) throw notFound();
      const result = await client.query<TodoRow>(
        `UPDATE todos
           SET title = coalesce($4, title), completed = coalesce($5, completed),
               version = version + 1, updated_at = now()
         WHERE id = $1 AND owner_id = $2 AND version = $3
         RETURNING ${TODO_COLUMNS}`,
        [id, owner, expectedVersion, patch.title ?? null, patch.completed ?? null],
      );
      const row = result.rows[0];
      if (row === undefined) throw await missedWrite(client, owner, id);
      return toTodo(row);
    },

    async delete(owner, id, expectedVersion) {
      requireOwner(owner);
      if (!isUuid(id)) throw notFound();
      const result =
        expectedVersion === undefined
          ? await client.query("DELETE FROM todos WHERE id = $1 AND owner_id = $2", [id, owner])
          : await client.query(
              "DELETE FROM todos WHERE id = $1 AND owner_id = $2 AND version = $3",
              [id, owner, expectedVersion],
            );
      if (result.rowCount === 0) throw await missedWrite(client, owner, id);
    },
  };
}
