import { InvalidParameterError } from "@tracemesh/errors";
import { jsonBody, validate } from "@tracemesh/http";
import { type Context, Hono } from "hono";
import { authorize } from "../auth/authorize.ts";
import type { Authorizer } from "../auth/authorizer.ts";
import type { StatementOptions } from "../storage/sql-client.ts";
import type { TodoStore } from "../storage/todo-store.ts";
import { underPrecondition } from "./conditional-write.ts";
import { todoIdParam, todoResource } from "./todo-id.ts";
import { todoPath, toTodoResource } from "./todo-representation.ts";
import { CreateTodoBody, ListTodosQuery, UpdateTodoBody } from "./todo-schemas.ts";
import { etagOf, ifMatchPrecondition, requiredPrecondition } from "./todo-version.ts";

export interface TodoRoutesOptions {
  store: TodoStore;
  /** Asks auth about every request; reads may fall back to a recent decision (degraded). */
  authorizer: Authorizer;
  /** Largest JSON body accepted. @default 65536 */
  bodyLimitBytes?: number;
}

/** The request's deadline, for every statement it runs: the budget reaches the database too. */
function withinRequest(c: Context): StatementOptions {
  return { deadline: c.var.deadline };
}

/**
 * `/v1/todos`: list (keyset pages), create, read, update and delete with versions as ETags,
 * each authorized by auth first and scoped to its subject: another user's todo is a 404.
 */
export function todoRoutes(options: TodoRoutesOptions): Hono {
  const { store, authorizer, bodyLimitBytes = 65_536 } = options;
  const json = jsonBody({ maxBytes: bodyLimitBytes });
  const readAll = authorize({ authorizer, action: "todos:read", degradable: true });
  const write = authorize({ authorizer, action: "todos:write" });
  const readOne = authorize({
    authorizer,
    action: "todos:read",
    resource: todoResource,
    degradable: true,
  });
  const writeOne = authorize({ authorizer, action: "todos:write", resource: todoResource });
  const deleteOne = authorize({ authorizer, action: "todos:delete", resource: todoResource });

  return new Hono()
    .get("/", readAll, validate("query", ListTodosQuery), async function listTodos(c) {
      const { limit, cursor } = c.req.valid("query");
      const page = await store.list(c.var.principal.subject, limit, cursor, withinRequest(c));
      return c.json({ items: page.items.map(toTodoResource), nextCursor: page.nextCursor });
    })
    .post("/", write, json, validate("json", CreateTodoBody), async function createTodo(c) {
      const todo = await store.create(
        c.var.principal.subject,
        c.req.valid("json"),
        withinRequest(c),
      );
      c.header("Location", todoPath(todo.id));
      c.header("ETag", etagOf(todo.version));
      return c.json(toTodoResource(todo), 201);
    })
    .get("/:id", readOne, todoIdParam(), async function getTodo(c) {
      const todo = await store.get(c.var.principal.subject, c.req.param("id"), withinRequest(c));
      c.header("ETag", etagOf(todo.version));
      return c.json(toTodoResource(todo));
    })
    .patch(
      "/:id",
      writeOne,
      todoIdParam(),
      json,
      validate("json", UpdateTodoBody),
      async function updateTodo(c) {
        const { version, ...patch } = c.req.valid("json");
        const precondition = requiredPrecondition(c.req.header("If-Match"), version);
        if (patch.title === undefined && patch.completed === undefined) {
          throw new InvalidParameterError([
            { issue: "invalid_value", reason: "no_changes", fields: ["title", "completed"] },
          ]);
        }
        const owner = c.var.principal.subject;
        const id = c.req.param("id");
        const call = withinRequest(c);
        const todo = await underPrecondition(
          precondition,
          (expected) => store.update(owner, id, patch, expected, call),
          () => store.get(owner, id, call),
        );
        c.header("ETag", etagOf(todo.version));
        return c.json(toTodoResource(todo));
      },
    )
    .delete("/:id", deleteOne, todoIdParam(), async function deleteTodo(c) {
      // Unlike an update, a delete may be unconditional: nothing of the todo survives to be lost.
      const precondition = ifMatchPrecondition(c.req.header("If-Match"));
      const owner = c.var.principal.subject;
      const id = c.req.param("id");
      const call = withinRequest(c);
      const remove = (expected?: number) => store.delete(owner, id, expected, call);
      await (precondition === undefined
        ? remove()
        : underPrecondition(precondition, remove, () => store.get(owner, id, call)));
      return c.body(null, 204);
    });
}
