export interface Todo {
  id: string;
  /** auth's `subject` for the token that created it: only that subject ever sees it. */
  ownerId: string;
  title: string;
  completed: boolean;
  /** Starts at 1, bumped by every update: the ETag, and the optimistic-concurrency token. */
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewTodo {
  title: string;
  completed?: boolean;
}

/** The fields an update may change; absent ones keep their value. */
export interface TodoPatch {
  title?: string;
  completed?: boolean;
}

export interface TodoPage {
  items: Todo[];
  /** Opaque: pass it back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

export interface TodoRow {
  [column: string]: unknown;
  id: string;
  owner_id: string;
  title: string;
  completed: boolean;
  version: number;
  created_at: Date;
  updated_at: Date;
}

/** The columns every query returns, in the shape `toTodo` reads. */
export const TODO_COLUMNS = "id, owner_id, title, completed, version, created_at, updated_at";

export function toTodo(row: TodoRow): Todo {
  return {
    id: row.id,
    ownerId: row.owner_id,
    title: row.title,
    completed: row.completed,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for the textual form of a UUID, the only ids the database can hold. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
