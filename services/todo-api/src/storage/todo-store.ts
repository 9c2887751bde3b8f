import { InvalidParameterError, NotFoundError } from "@tracemesh/errors";
import { QUEUE_DEFAULTS } from "@tracemesh/queue";
import { todoEvent } from "../events/todo-event.ts";
import { sqlStateOf } from "./database-errors.ts";
import { appendOutboxEvent } from "./outbox.ts";
import type { SqlClient, SqlExecutor, StatementOptions } from "./sql-client.ts";
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
import { VersionMismatchError } from "./version-mismatch.ts";

export interface TodoStoreOptions {
  /** Where the relay publishes the events: the stream's subject prefix. @default "todo.events" */
  subjectPrefix?: string;
}

/**
 * Todos, always of one owner (auth's `subject`): every operation takes the owner first, and a
 * todo of another owner is indistinguishable from one that does not exist (NotFoundError).
 * Each takes `options.deadline`, the request's: its statements are bounded by it, and one that
 * cannot finish in time is DependencyError ("database").
 */
export interface TodoStore {
  /** The owner's todos in creation order, `limit` at a time; `cursor` is the previous page's `nextCursor`. */
  list(
    owner: string,
    limit: number,
    cursor?: string,
    options?: StatementOptions,
  ): Promise<TodoPage>;
  create(owner: string, input: NewTodo, options?: StatementOptions): Promise<Todo>;
  /** @throws NotFoundError */
  get(owner: string, id: string, options?: StatementOptions): Promise<Todo>;
  /**
   * Applies `patch` if the todo is still at `expectedVersion`, bumping the version.
   * @throws NotFoundError, or VersionMismatchError (409 version_mismatch) when someone else won.
   */
  update(
    owner: string,
    id: string,
    patch: TodoPatch,
    expectedVersion: number,
    options?: StatementOptions,
  ): Promise<Todo>;
  /**
   * Deletes the todo, only at `expectedVersion` when one is given.
   * @throws NotFoundError, VersionMismatchError
   */
  delete(
    owner: string,
    id: string,
    expectedVersion?: number,
    options?: StatementOptions,
  ): Promise<void>;
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
  return new VersionMismatchError(row.version);
}

/**
 * A data exception (SQLSTATE class 22: a value the column or cast cannot hold) from these
 * statements comes from a value of the request that validation should have refused first:
 * still the client's input, so 400, never 500. The error's message and cause keep the SQLSTATE.
 */
async function asInvalidInput<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    const state = sqlStateOf(error);
    if (state === undefined || !state.startsWith("22")) throw error;
    throw new InvalidParameterError([{ issue: "invalid_value" }], {
      message: `the database refused a value (SQLSTATE ${state})`,
      cause: error,
    });
  }
}

/**
 * Todos in PostgreSQL (or PGlite) through a `SqlClient`. Each write and its outbox event
 * (docs/architecture.md#the-queue-hop) are one transaction: both are committed, or neither is.
 * The event keeps the trace of the active context, the request that made the change.
 */
export function createTodoStore(client: SqlClient, options: TodoStoreOptions = {}): TodoStore {
  const store = createStatements(client, options.subjectPrefix ?? QUEUE_DEFAULTS.subjectPrefix);
  return {
    list: (owner, limit, cursor, call) =>
      asInvalidInput(() => store.list(owner, limit, cursor, call)),
    create: (owner, input, call) => asInvalidInput(() => store.create(owner, input, call)),
    get: (owner, id, call) => asInvalidInput(() => store.get(owner, id, call)),
    update: (owner, id, patch, version, call) =>
      asInvalidInput(() => store.update(owner, id, patch, version, call)),
    delete: (owner, id, version, call) =>
      asInvalidInput(() => store.delete(owner, id, version, call)),
  };
}

function createStatements(client: SqlClient, subjectPrefix: string): TodoStore {
  return {
    async list(owner, limit, cursor, call) {
      requireOwner(owner);
      if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`invalid limit: ${limit}`);
      const after = cursor === undefined ? undefined : decodeCursor(cursor);
      // One extra row says whether another page exists without a COUNT.
      const result = after
        ? await client.query<TodoRow>(
            LIST_AFTER,
            [owner, limit + 1, after.createdAt, after.id],
            call,
          )
        : await client.query<TodoRow>(LIST_FIRST, [owner, limit + 1], call);
      const items = result.rows.slice(0, limit).map(toTodo);
      const last = items.at(-1);
      const more = result.rows.length > limit && last !== undefined;
      return { items, nextCursor: more ? encodeCursor(last) : null };
    },

    async create(owner, { title, completed = false }, call) {
      requireOwner(owner);
      return client.transaction(async (tx) => {
        const result = await tx.query<TodoRow>(
          `INSERT INTO todos (owner_id, title, completed) VALUES ($1, $2, $3)
           RETURNING ${TODO_COLUMNS}`,
          [owner, title, completed],
        );
        const row = result.rows[0];
        if (row === undefined) throw new Error("INSERT … RETURNING gave no row");
        const todo = toTodo(row);
        await appendOutboxEvent(tx, todoEvent("todo.created", todo, { subjectPrefix }));
        return todo;
      }, call);
    },

    async get(owner, id, call) {
      requireOwner(owner);
      if (!isUuid(id)) throw notFound();
      const result = await client.query<TodoRow>(
        `SELECT ${TODO_COLUMNS} FROM todos WHERE id = $1 AND owner_id = $2`,
        [id, owner],
        call,
      );
      const row = result.rows[0];
      if (row === undefined) throw notFound();
      return toTodo(row);
    },

    async update(owner, id, patch, expectedVersion, call) {
      requireOwner(owner);
      if (!isUuid(id)) throw notFound();
      return client.transaction(async (tx) => {
        const result = await tx.query<TodoRow>(
          `UPDATE todos
             SET title = coalesce($4, title), completed = coalesce($5, completed),
                 version = version + 1, updated_at = now()
           WHERE id = $1 AND owner_id = $2 AND version = $3
           RETURNING ${TODO_COLUMNS}`,
          [id, owner, expectedVersion, patch.title ?? null, patch.completed ?? null],
        );
        const row = result.rows[0];
        // Thrown inside the transaction: a missed write rolls back and leaves no event.
        if (row === undefined) throw await missedWrite(tx, owner, id);
        const todo = toTodo(row);
        await appendOutboxEvent(tx, todoEvent("todo.updated", todo, { subjectPrefix }));
        return todo;
      }, call);
    },

    async delete(owner, id, expectedVersion, call) {
      requireOwner(owner);
      if (!isUuid(id)) throw notFound();
      await client.transaction(async (tx) => {
        const result = await tx.query<{ version: number }>(
          `DELETE FROM todos WHERE id = $1 AND owner_id = $2 AND ($3::int IS NULL OR version = $3)
           RETURNING version`,
          [id, owner, expectedVersion ?? null],
        );
        const row = result.rows[0];
        if (row === undefined) throw await missedWrite(tx, owner, id);
        await appendOutboxEvent(
          tx,
          todoEvent(
            "todo.deleted",
            { id, ownerId: owner, version: row.version },
            { subjectPrefix },
          ),
        );
      }, call);
    },
  };
}
