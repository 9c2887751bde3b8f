import { type DemoUsername, demoUser } from "@tracemesh/auth/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { startTestAuth, type TestAuth } from "../test-auth-server.ts";
import { tokenAttacks } from "../test-tokens.ts";
import {
  expectContractError,
  jsonRequest,
  openTestApp,
  type TestApp,
  withBearer,
} from "../test-utils.ts";
import type { TodoResource } from "./todo-representation.ts";

let t: TestApp;
let auth: TestAuth;
const tokens = {} as Record<DemoUsername, string>;
beforeAll(async () => {
  auth = await startTestAuth();
  for (const name of ["alice", "bob", "carol"] as const) tokens[name] = await auth.login(name);
  t = await openTestApp({ auth: { url: auth.url } });
});
afterAll(() => Promise.all([t?.database.dispose(), auth?.close()]));
beforeEach(() => t.database.client.query("DELETE FROM todos"));

function as(user: DemoUsername, path: string, init: RequestInit = {}) {
  return t.app.request(path, withBearer(tokens[user], init));
}

async function create(user: DemoUsername, title: string): Promise<TodoResource> {
  const response = await as(user, "/v1/todos", jsonRequest("POST", { title }));
  expect(response.status).toBe(201);
  return (await response.json()) as TodoResource;
}

async function countTodos(): Promise<number> {
  const result = await t.database.client.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM todos",
  );
  return result.rows[0]?.n ?? -1;
}

describe("what todo-api asks auth", () => {
  test("each route asks about its own action and resource, with the caller's token", async () => {
    const todo = await create("alice", "asked about");
    const path = `/v1/todos/${todo.id}`;
    auth.hits.length = 0;
    await as("alice", "/v1/todos");
    await as("alice", path);
    await as("alice", path, jsonRequest("PATCH", { completed: true, version: 1 }));
    await as("alice", path, { method: "DELETE" });
    expect(auth.hits.map((hit) => [hit.path, hit.body])).toEqual(
      [
        ["todos:read", "todos"],
        ["todos:read", `todos/${todo.id}`],
        ["todos:write", `todos/${todo.id}`],
        ["todos:delete", `todos/${todo.id}`],
      ].map(([action, resource]) => ["/v1/authorize", { token: tokens.alice, action, resource }]),
    );
    // The budget travels with each call, and what is left is less than todo-api's default.
    for (const hit of auth.hits) {
      const forwarded = Number(hit.headers.get("x-request-timeout-ms"));
      expect(forwarded).toBeGreaterThan(0);
      expect(forwarded).toBeLessThan(5_000);
    }
  });
});

describe("owners", () => {
  test("a todo belongs to its creator: another user's is 404 for read, update and delete", async () => {
    const alices = await create("alice", "alice's");
    const path = `/v1/todos/${alices.id}`;
    await expectContractError(await as("bob", path), 404, "RESOURCE_NOT_FOUND");
    const patch = await as("bob", path, jsonRequest("PATCH", { title: "bob's", version: 1 }));
    await expectContractError(patch, 404, "RESOURCE_NOT_FOUND");
    const remove = await as("bob", path, { method: "DELETE", headers: { "If-Match": '"1"' } });
    await expectContractError(remove, 404, "RESOURCE_NOT_FOUND");
    // The same 404 as an id that never existed: nothing tells bob alice's todo is there.
    const unknown = await as("bob", "/v1/todos/6a1f3c2e-9b4d-4e8f-a7c6-5d4e3f2a1b0c");
    const [mine, never] = await Promise.all([(await as("bob", path)).json(), unknown.json()]);
    expect({ ...(mine as object), traceId: 0, timestamp: 0, path: 0 }).toEqual({
      ...(never as object),
      traceId: 0,
      timestamp: 0,
      path: 0,
    });
    expect(await (await as("alice", path)).json()).toEqual(alices);
  });

  test("each user lists only their own todos, stored under auth's subject", async () => {
    await create("alice", "a1");
    await create("bob", "b1");
    await create("alice", "a2");
    const alices = (await (await as("alice", "/v1/todos")).json()) as { items: TodoResource[] };
    expect(alices.items.map((todo) => todo.title)).toEqual(["a1", "a2"]);
    const bobs = (await (await as("bob", "/v1/todos")).json()) as { items: TodoResource[] };
    expect(bobs.items.map((todo) => todo.title)).toEqual(["b1"]);
    const owners = await t.database.client.query<{ owner_id: string; title: string }>(
      "SELECT owner_id, title FROM todos ORDER BY title",
    );
    expect(owners.rows).toEqual([
      { owner_id: demoUser("alice").id, title: "a1" },
      { owner_id: demoUser("alice").id, title: "a2" },
      { owner_id: demoUser("bob").id, title: "b1" },
    ]);
  });
});

describe("auth's answers keep their meaning", () => {
  test("a viewer may read but not write: 403 FORBIDDEN, and nothing is stored", async () => {
    expect((await as("carol", "/v1/todos")).status).toBe(200);
    const response = await as("carol", "/v1/todos", jsonRequest("POST", { title: "nope" }));
    const error = await expectContractError(response, 403, "FORBIDDEN");
    expect(error.retryable).toBe(false);
    expect(await countTodos()).toBe(0);
  });

  test("a 403 comes before validation: a forbidden caller learns nothing about the body", async () => {
    const response = await as("carol", "/v1/todos", jsonRequest("POST", { title: 42 }));
    await expectContractError(response, 403, "FORBIDDEN");
  });

  test("every forged, expired or missing token is the same neutral 401", async () => {
    const attacks = tokenAttacks(
      tokens.alice,
      { privateKey: auth.signingKey.privateKey, kid: auth.signingKey.kid },
      demoUser("alice").id,
      demoUser("bob").id,
    );
    const bodies = new Set<string>();
    for (const [name, authorization] of Object.entries(attacks)) {
      const headers: Record<string, string> = authorization ? { Authorization: authorization } : {};
      const response = await t.app.request("/v1/todos", { headers });
      const error = await expectContractError(response, 401, "AUTH_REQUIRED");
      expect(response.headers.get("WWW-Authenticate"), name).toBe("Bearer");
      const { traceId: _t, timestamp: _s, ...neutral } = error;
      bodies.add(JSON.stringify(neutral));
    }
    expect(bodies.size).toBe(1);
    expect([...bodies][0]).not.toMatch(/expired|signature|alg|invalid|jwt/i);
  });
});
