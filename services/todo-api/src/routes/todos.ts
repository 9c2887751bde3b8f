import { InvalidParameterError, jsonBody, validate } from "@tracemesh/errors";
import { Hono } from "hono";
import type { TodoStore } from "../storage/todo-store.ts";
import { todoIdParam } from "./todo-id.ts";
import { todoPath, toTodoResource } from "./todo-representation.ts";
import { CreateTodoBody, ListTodosQuery, UpdateTodoBody } from "./todo-schemas.ts";
import { etagOf, requiredVersion, versionFromIfMatch } from "./todo-version.ts";

export interface TodoRoutesOptions {
  store: TodoStore;
  /** Largest JSON body accepted. @default 65536 */
  bodyLimitBytes?: number;
}

/** `/v1/todos`: list (keyset pages), create, read, update and delete with versions as ETags. */
export function todoRoutes(options: TodoRoutesOptions): Hono {
  const { store, bodyLimitBytes = 65_536 } = options;
  const json = jsonBody({ maxBytes: bodyLimitBytes });

  return new Hono()
    .get("/", validate("query", ListTodosQuery), async function listTodos(c) {
      const { limit, cursor } = c.req.valid("query");
      const page = await store.list(limit, cursor);
      return c.json({ items: page.items.map(toTodoResource), nextCursor: page.nextCursor });
    })
    .post("/", json, validate("json", CreateTodoBody), async function createTodo(c) {
      const todo = await store.create(c.req.valid("json"));
      c.header("Location", todoPath(todo.id));
      c.header("ETag", etagOf(todo.version));
      return c.json(toTodoResource(todo), 201);
    })
    .get("/:id", todoIdParam(), async function getTodo(c) {
      const todo = await store.get(c.req.param("id"));
      c.header("ETag", etagOf(todo.version));
      return c.json(toTodoResource(todo));
    })
    .patch(
      "/:id",
      todoIdParam(),
      json,
      validate("json", UpdateTodoBody),
      async function updateTodo(c) {
        const { version, ...patch } = c.req.valid("json");
        const expected = requiredVersion(c.req.header("If-Match"), version);
        if (patch.title === undefined && patch.completed === undefined) {
          throw new InvalidParameterError([
            { issue: "invalid_value", reason: "no_changes", fields: ["title", "completed"] },
          ]);
        }
        const todo = await store.update(c.req.param("id"), patch, expected);
        c.header("ETag", etagOf(todo.version));
        return c.json(toTodoResource(todo));
      },
    )
    .delete("/:id", todoIdParam(), async function deleteTodo(c) {
      await store.delete(c.req.param("id"), versionFromIfMatch(c.req.header("If-Match")));
      return c.body(null, 204);
    });
}
