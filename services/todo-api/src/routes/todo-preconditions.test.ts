import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { expectContractError, jsonRequest, withBearer } from "../test-utils.ts";
import { openSignedInApp, type SignedInApp } from "./test-utils.ts";
import type { TodoResource } from "./todo-representation.ts";

// Writes to a todo are conditional as RFC 9110 §13 and RFC 6585 have it: If-Match compared
// strongly (412 when false), 428 when an update states no version, 409 for a stale body version.

let t: SignedInApp;
beforeAll(async () => {
  t = await openSignedInApp();
});
afterAll(() => t?.close());
beforeEach(() => t.database.client.query("DELETE FROM todos"));

const UNKNOWN_ID = "6a1f3c2e-9b4d-4e8f-a7c6-5d4e3f2a1b0c";

async function create(title: string): Promise<TodoResource> {
  const response = await t.asAlice("/v1/todos", jsonRequest("POST", { title }));
  expect(response.status).toBe(201);
  return (await response.json()) as TodoResource;
}

describe("PATCH /v1/todos/:id", () => {
  test("a stale If-Match is 412 PRECONDITION_FAILED with the current ETag, and nothing changes", async () => {
    const todo = await create("shared");
    await t.asAlice(`/v1/todos/${todo.id}`, jsonRequest("PATCH", { title: "mine", version: 1 }));
    const response = await t.asAlice(
      `/v1/todos/${todo.id}`,
      jsonRequest("PATCH", { title: "theirs" }, { "If-Match": '"1"' }),
    );
    const error = await expectContractError(response, 412, "PRECONDITION_FAILED");
    expect(error.details).toEqual([
      { field: "If-Match", reason: "etag_mismatch", currentEtag: '"2"', currentVersion: 2 },
    ]);
    expect(error.hint).toEqual(expect.any(String));
    const current = await t.asAlice(`/v1/todos/${todo.id}`);
    expect(await current.json()).toMatchObject({ title: "mine", version: 2 });
  });

  test("a weak If-Match never matches (strong comparison): 412, even at the current version", async () => {
    const todo = await create("weakly tagged");
    const response = await t.asAlice(
      `/v1/todos/${todo.id}`,
      jsonRequest("PATCH", { completed: true }, { "If-Match": 'W/"1"' }),
    );
    const error = await expectContractError(response, 412, "PRECONDITION_FAILED");
    expect(error.details).toEqual([
      { field: "If-Match", reason: "weak_etag", currentEtag: '"1"', currentVersion: 1 },
    ]);
    expect(await (await t.asAlice(`/v1/todos/${todo.id}`)).json()).toEqual(todo);
    // A todo the caller cannot see stays 404: the precondition is never reached.
    const unknown = await t.asAlice(
      `/v1/todos/${UNKNOWN_ID}`,
      jsonRequest("PATCH", { completed: true }, { "If-Match": 'W/"1"' }),
    );
    await expectContractError(unknown, 404, "RESOURCE_NOT_FOUND");
  });

  test("a stale body version is 409 RESOURCE_CONFLICT version_mismatch, and nothing changes", async () => {
    const todo = await create("shared");
    await t.asAlice(`/v1/todos/${todo.id}`, jsonRequest("PATCH", { title: "mine", version: 1 }));
    const response = await t.asAlice(
      `/v1/todos/${todo.id}`,
      jsonRequest("PATCH", { title: "theirs", version: 1 }),
    );
    const error = await expectContractError(response, 409, "RESOURCE_CONFLICT");
    expect(error.details).toEqual([{ reason: "version_mismatch", currentVersion: 2 }]);
    const current = await t.asAlice(`/v1/todos/${todo.id}`);
    expect(await current.json()).toMatchObject({ title: "mine", version: 2 });
  });

  test("without any version it is 428 PRECONDITION_REQUIRED naming If-Match, with a hint", async () => {
    const todo = await create("blind write");
    const response = await t.asAlice(`/v1/todos/${todo.id}`, jsonRequest("PATCH", { title: "x" }));
    const error = await expectContractError(response, 428, "PRECONDITION_REQUIRED");
    expect(error.details).toEqual([
      { field: "If-Match", issue: "required", alternative: "version" },
    ]);
    expect(error.hint).toEqual(expect.any(String));
    expect(await (await t.asAlice(`/v1/todos/${todo.id}`)).json()).toEqual(todo);
  });

  test.each([
    [{ "If-Match": "*" }, { title: "x" }, "If-Match"],
    [{ "If-Match": '"1", "2"' }, { title: "x" }, "If-Match"],
    [{ "If-Match": '"2"' }, { title: "x", version: 1 }, "version"],
    [{}, { title: "x", version: 0 }, "version"],
    [{ "If-Match": '"1"' }, {}, undefined],
  ])("If-Match %j with %j is 400", async (headers, body, field) => {
    const todo = await create("guarded");
    const response = await t.asAlice(`/v1/todos/${todo.id}`, jsonRequest("PATCH", body, headers));
    const error = await expectContractError(response, 400, "REQUEST_PARAMETER_INVALID");
    expect((error.details as { field?: string }[])[0]?.field).toBe(field);
  });
});

describe("DELETE /v1/todos/:id", () => {
  test("with the current ETag in If-Match it is 204", async () => {
    const todo = await create("delete me carefully");
    const response = await t.asAlice(`/v1/todos/${todo.id}`, {
      method: "DELETE",
      headers: { "If-Match": '"1"' },
    });
    expect(response.status).toBe(204);
    await expectContractError(await t.asAlice(`/v1/todos/${todo.id}`), 404, "RESOURCE_NOT_FOUND");
  });

  test.each([
    ['"5"', "etag_mismatch"],
    ['W/"1"', "weak_etag"],
  ])("with If-Match %s it is 412 (%s) and the todo stays", async (ifMatch, reason) => {
    const todo = await create("keep me");
    const response = await t.asAlice(`/v1/todos/${todo.id}`, {
      method: "DELETE",
      headers: { "If-Match": ifMatch },
    });
    const error = await expectContractError(response, 412, "PRECONDITION_FAILED");
    expect(error.details).toEqual([
      { field: "If-Match", reason, currentEtag: '"1"', currentVersion: 1 },
    ]);
    expect((await t.asAlice(`/v1/todos/${todo.id}`)).status).toBe(200);
  });
});

describe("another user's todo", () => {
  test.each(['"5"', 'W/"1"'])(
    "stays 404 with If-Match %s: its current ETag is never shown",
    async (ifMatch) => {
      const todo = await create("alice's");
      const bob = await t.auth.login("bob");
      for (const init of [
        jsonRequest("PATCH", { title: "bob's now" }, { "If-Match": ifMatch }),
        { method: "DELETE", headers: { "If-Match": ifMatch } },
      ]) {
        const response = await t.app.request(`/v1/todos/${todo.id}`, withBearer(bob, init));
        const error = await expectContractError(response, 404, "RESOURCE_NOT_FOUND");
        expect(JSON.stringify(error)).not.toContain("currentEtag");
      }
      expect(await t.listTodos()).toEqual([todo]);
    },
  );
});
