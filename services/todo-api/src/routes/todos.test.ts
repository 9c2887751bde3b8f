import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { startTestAuth, type TestAuth } from "../test-auth-server.ts";
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
let aliceToken: string;
beforeAll(async () => {
  auth = await startTestAuth();
  aliceToken = await auth.login("alice");
  t = await openTestApp({ requestBodyLimitBytes: 1024, auth: { url: auth.url } });
});
afterAll(() => Promise.all([t?.database.dispose(), auth?.close()]));
beforeEach(() => t.database.client.query("DELETE FROM todos"));

/** A request as alice, through the real auth. */
function request(path: string, init: RequestInit = {}): Promise<Response> {
  return Promise.resolve(t.app.request(path, withBearer(aliceToken, init)));
}

const UNKNOWN_ID = "6a1f3c2e-9b4d-4e8f-a7c6-5d4e3f2a1b0c";

async function create(title: string): Promise<TodoResource> {
  const response = await request("/v1/todos", jsonRequest("POST", { title }));
  expect(response.status).toBe(201);
  return (await response.json()) as TodoResource;
}

describe("POST /v1/todos", () => {
  test("201 with the todo, Location and ETag; the title is trimmed", async () => {
    const response = await request("/v1/todos", jsonRequest("POST", { title: "  buy milk " }));
    expect(response.status).toBe(201);
    const todo = (await response.json()) as TodoResource;
    expect(todo).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      title: "buy milk",
      completed: false,
      version: 1,
      createdAt: expect.any(String),
      updatedAt: todo.createdAt,
    });
    expect(response.headers.get("Location")).toBe(`/v1/todos/${todo.id}`);
    expect(response.headers.get("ETag")).toBe('"1"');
    expect(response.headers.get("traceresponse")).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
    expect(response.headers.get("X-Request-Id")).toBeTruthy();
  });

  test.each([
    [{}, { field: "title", issue: "required" }],
    [{ title: "   " }, { field: "title", issue: "too_short", min: 1 }],
    [{ title: "x".repeat(201) }, { field: "title", issue: "too_long", max: 200 }],
    [{ title: 42 }, { field: "title", issue: "invalid_type" }],
    [{ title: "nul\u0000byte" }, { field: "title", issue: "control_character" }],
    [
      { title: "ok", completed: "yes" },
      { field: "completed", issue: "invalid_type" },
    ],
    [
      { title: "ok", complete: true },
      { field: "complete", issue: "not_allowed" },
    ],
  ])("400 REQUEST_PARAMETER_INVALID for %j", async (body, detail) => {
    const response = await request("/v1/todos", jsonRequest("POST", body));
    const error = await expectContractError(response, 400, "REQUEST_PARAMETER_INVALID");
    expect(error.details).toEqual([expect.objectContaining(detail)]);
    expect(await t.database.client.query("SELECT 1 FROM todos")).toMatchObject({ rowCount: 0 });
  });

  test("a title of exactly 200 characters is accepted", async () => {
    expect((await create("y".repeat(200))).title).toHaveLength(200);
  });

  test("unparsable JSON is 400 REQUEST_BODY_INVALID", async () => {
    const response = await request("/v1/todos", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: '{"title": ',
    });
    await expectContractError(response, 400, "REQUEST_BODY_INVALID");
  });

  test("a body past REQUEST_BODY_LIMIT_BYTES is 413, another media type 415", async () => {
    const big = await request("/v1/todos", jsonRequest("POST", { title: "z".repeat(2000) }));
    await expectContractError(big, 413, "PAYLOAD_TOO_LARGE");
    const text = await request("/v1/todos", {
      method: "POST",
      headers: { "Content-Type": "text/plain" },
      body: "title=x",
    });
    await expectContractError(text, 415, "UNSUPPORTED_MEDIA_TYPE");
  });
});

describe("GET /v1/todos/:id", () => {
  test("200 with the todo and its ETag", async () => {
    const created = await create("read me");
    const response = await request(`/v1/todos/${created.id}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(created);
    expect(response.headers.get("ETag")).toBe('"1"');
  });

  test("an unknown id and a malformed one are both 404 RESOURCE_NOT_FOUND", async () => {
    for (const id of [UNKNOWN_ID, "42", "not-a-uuid", "%27%20OR%201%3D1"]) {
      const response = await request(`/v1/todos/${id}`);
      await expectContractError(response, 404, "RESOURCE_NOT_FOUND");
    }
  });
});

describe("GET /v1/todos", () => {
  test("pages through every todo once with limit and cursor", async () => {
    const created: string[] = [];
    for (let i = 0; i < 5; i++) created.push((await create(`todo ${i}`)).id);
    const seen: string[] = [];
    let url = "/v1/todos?limit=2";
    for (let page = 0; page < 3; page++) {
      const response = await request(url);
      expect(response.status).toBe(200);
      const body = (await response.json()) as { items: TodoResource[]; nextCursor: string | null };
      expect(body.items.length).toBe(page < 2 ? 2 : 1);
      seen.push(...body.items.map((todo) => todo.id));
      if (page === 2) expect(body.nextCursor).toBeNull();
      else url = `/v1/todos?limit=2&cursor=${encodeURIComponent(body.nextCursor ?? "")}`;
    }
    expect(seen.toSorted()).toEqual(created.toSorted());
  });

  test("the default page is 20 and unknown query parameters are ignored", async () => {
    for (let i = 0; i < 21; i++) await create(`todo ${i}`);
    const response = await request("/v1/todos?_=1700000000");
    const body = (await response.json()) as { items: unknown[]; nextCursor: string | null };
    expect(body.items).toHaveLength(20);
    expect(body.nextCursor).toEqual(expect.any(String));
  });

  test.each([
    ["limit=0", { field: "limit", issue: "must_be_between", min: 1, max: 100 }],
    ["limit=101", { field: "limit", issue: "must_be_between", min: 1, max: 100 }],
    ["limit=2.5", { field: "limit", issue: "invalid_format", format: "digits" }],
    ["limit=ten", { field: "limit", issue: "invalid_format", format: "digits" }],
    ["limit=0x10", { field: "limit", issue: "invalid_format", format: "digits" }],
    ["limit=%2016", { field: "limit", issue: "invalid_format", format: "digits" }],
    ["cursor=bm9wZQ", { field: "cursor", issue: "invalid_value" }],
  ])("?%s is 400 with details", async (query, detail) => {
    const response = await request(`/v1/todos?${query}`);
    const error = await expectContractError(response, 400, "REQUEST_PARAMETER_INVALID");
    expect(error.details).toEqual([detail]);
  });
});

describe("PATCH /v1/todos/:id", () => {
  test("If-Match with the ETag applies the change and returns the new ETag", async () => {
    const todo = await create("draft");
    const first = await request(
      `/v1/todos/${todo.id}`,
      jsonRequest("PATCH", { title: " final " }, { "If-Match": '"1"' }),
    );
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ title: "final", completed: false, version: 2 });
    expect(first.headers.get("ETag")).toBe('"2"');
    const second = await request(
      `/v1/todos/${todo.id}`,
      jsonRequest("PATCH", { completed: true }, { "If-Match": '"2"' }),
    );
    expect(await second.json()).toMatchObject({ title: "final", completed: true, version: 3 });
  });

  test("the version may come in the body instead", async () => {
    const todo = await create("draft");
    const response = await request(
      `/v1/todos/${todo.id}`,
      jsonRequest("PATCH", { completed: true, version: 1 }),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ completed: true, version: 2 });
  });

  test("an unknown or malformed id is 404 even with a bad body", async () => {
    const unknown = await request(
      `/v1/todos/${UNKNOWN_ID}`,
      jsonRequest("PATCH", { title: "x" }, { "If-Match": '"1"' }),
    );
    await expectContractError(unknown, 404, "RESOURCE_NOT_FOUND");
    const malformed = await request("/v1/todos/nope", jsonRequest("PATCH", { title: 1 }));
    await expectContractError(malformed, 404, "RESOURCE_NOT_FOUND");
  });
});

describe("DELETE /v1/todos/:id", () => {
  test("204, then the todo is gone", async () => {
    const todo = await create("delete me");
    const response = await request(`/v1/todos/${todo.id}`, { method: "DELETE" });
    expect(response.status).toBe(204);
    expect(response.headers.get("traceresponse")).toBeTruthy();
    await expectContractError(await request(`/v1/todos/${todo.id}`), 404, "RESOURCE_NOT_FOUND");
    const again = await request(`/v1/todos/${todo.id}`, { method: "DELETE" });
    await expectContractError(again, 404, "RESOURCE_NOT_FOUND");
  });
});
