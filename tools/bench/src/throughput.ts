import { randomUUID } from "node:crypto";
import { type LoadResult, runLoad } from "./http-load.ts";

/** One path measured on each variant that can answer it. */
export interface PathCase {
  name: string;
  method: "GET" | "POST";
  path: string;
  body?: unknown;
  /** The status every response must have: anything else spoils the measurement. */
  status: number;
  /** The bare twin does the work of this path too. */
  onBareTwin: boolean;
}

/** A server the paths are measured on: a tracemesh todo-api, or the bare twin's. */
export interface Variant {
  name: string;
  baseUrl: string;
  token: string;
  /** An id of one of the token owner's todos, for GET /v1/todos/:id → 200. */
  todoId: string;
}

/** The paths of the table, with the error paths and what they compare to. */
export function pathCases(): PathCase[] {
  return [
    {
      name: "GET /v1/todos",
      method: "GET",
      path: "/v1/todos?limit=10",
      status: 200,
      onBareTwin: true,
    },
    {
      name: "POST /v1/todos",
      method: "POST",
      path: "/v1/todos",
      body: { title: "bench" },
      status: 201,
      onBareTwin: true,
    },
    {
      name: "GET /v1/todos/:id → 200",
      method: "GET",
      path: "/v1/todos/{id}",
      status: 200,
      onBareTwin: true,
    },
    {
      name: "GET /v1/todos/:id → 404",
      method: "GET",
      path: `/v1/todos/${randomUUID()}`,
      status: 404,
      onBareTwin: true,
    },
    {
      name: "GET /v1/todos → 400",
      method: "GET",
      path: "/v1/todos?limit=0",
      status: 400,
      onBareTwin: false,
    },
    {
      name: "GET /health/live → 200",
      method: "GET",
      path: "/health/live",
      status: 200,
      onBareTwin: false,
    },
    { name: "GET /error → 500", method: "GET", path: "/error", status: 500, onBareTwin: false },
  ];
}

/** Creates one todo of the variant's user, for the reads that need one. */
export async function createTodo(baseUrl: string, token: string): Promise<string> {
  const response = await fetch(`${baseUrl}/v1/todos`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ title: "read by the bench" }),
  });
  const body = (await response.json()) as { id?: string };
  if (response.status !== 201 || !body.id) throw new Error(`creating a todo: ${response.status}`);
  return body.id;
}

/** Loads one path of one variant; fails when a response has another status than the path's. */
export async function measurePath(
  variant: Variant,
  path: PathCase,
  options: { connections: number; seconds: number },
): Promise<LoadResult> {
  const result = await runLoad(
    {
      url: `${variant.baseUrl}${path.path.replace("{id}", variant.todoId)}`,
      method: path.method,
      headers: { authorization: `Bearer ${variant.token}` },
      body: path.body,
    },
    options,
  );
  const unexpected = Object.entries(result.statuses).filter(([s]) => Number(s) !== path.status);
  if (unexpected.length > 0 || result.errors > 0) {
    throw new Error(
      `${variant.name} ${path.name}: expected only ${path.status}, got ${JSON.stringify(result.statuses)} and ${result.errors} errors`,
    );
  }
  return result;
}
