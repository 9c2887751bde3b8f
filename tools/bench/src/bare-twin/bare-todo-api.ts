// The bare twin's todo-api: the same work as todo-api's GET/POST /v1/todos and GET
// /v1/todos/:id (one call to auth, then the same SQL on the same embedded store), and nothing
// else: no error contract, no resilience, no logging, no telemetry. The limit tracemesh's
// layers are measured against. `PORT=… AUTH_URL=… DATA_DIR=… node bare-todo-api.ts`
import { serve } from "@hono/node-server";
import { createPgliteClient, createTodoStore, runMigrations } from "@tracemesh/todo-api";
import { Hono } from "hono";

const port = Number(process.env.PORT ?? 0);
const authUrl = process.env.AUTH_URL ?? "";
const database = await createPgliteClient({ dataDir: process.env.DATA_DIR ?? "memory://" });
await runMigrations(database);
const store = createTodoStore(database);

async function subjectOf(authorization: string | undefined): Promise<string | undefined> {
  const response = await fetch(`${authUrl}/v1/authorize`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ token: authorization ?? "" }),
  });
  const answer = (await response.json()) as { allow: boolean; subject?: string };
  return answer.allow ? answer.subject : undefined;
}

const app = new Hono()
  .get("/health/ready", (c) => c.json({ status: "ok" }))
  .get("/v1/todos", async (c) => {
    const owner = await subjectOf(c.req.header("authorization"));
    if (!owner) return c.json({}, 401);
    return c.json(await store.list(owner, Number(c.req.query("limit") ?? 20)));
  })
  .post("/v1/todos", async (c) => {
    const owner = await subjectOf(c.req.header("authorization"));
    if (!owner) return c.json({}, 401);
    const { title } = await c.req.json<{ title: string }>();
    return c.json(await store.create(owner, { title }), 201);
  })
  .get("/v1/todos/:id", async (c) => {
    const owner = await subjectOf(c.req.header("authorization"));
    if (!owner) return c.json({}, 401);
    // The store throws for an absent todo; the bare twin answers a bare 404.
    const todo = await store.get(owner, c.req.param("id")).catch(() => undefined);
    return todo ? c.json(todo) : c.json({}, 404);
  });

serve({ fetch: app.fetch, port, hostname: "127.0.0.1" }, (info) => {
  process.stdout.write(`${JSON.stringify({ event: "server.listening", port: info.port })}\n`);
});
