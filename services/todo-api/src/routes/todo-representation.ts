import type { Todo } from "../storage/todo.ts";

/** A todo as the API shows it. */
export interface TodoResource {
  id: string;
  title: string;
  completed: boolean;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export function toTodoResource(todo: Todo): TodoResource {
  return {
    id: todo.id,
    title: todo.title,
    completed: todo.completed,
    version: todo.version,
    createdAt: todo.createdAt.toISOString(),
    updatedAt: todo.updatedAt.toISOString(),
  };
}

/** Where a todo lives: the `Location` of a created todo. */
export function todoPath(id: string): string {
  return `/v1/todos/${id}`;
}
