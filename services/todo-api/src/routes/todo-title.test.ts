import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { expectContractError, jsonRequest } from "../test-utils.ts";
import { openSignedInApp, type SignedInApp } from "./test-utils.ts";
import type { TodoResource } from "./todo-representation.ts";

// What a title may hold, through the real app and database: the rules match the column's
// CHECK (char_length, in code points), and nothing is ever stored other than as sent.

let t: SignedInApp;
beforeAll(async () => {
  t = await openSignedInApp();
});
afterAll(() => t?.close());
beforeEach(() => t.database.client.query("DELETE FROM todos"));

function postRaw(json: string) {
  return t.asAlice("/v1/todos", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: json,
  });
}

async function created(response: Response): Promise<TodoResource> {
  expect(response.status).toBe(201);
  return (await response.json()) as TodoResource;
}

describe("title length counts code points, as the database does", () => {
  test.each([
    ["150 emoji (300 UTF-16 units)", "😀".repeat(150)],
    ["200 emoji", "😀".repeat(200)],
    ["200 characters with accents", "é".repeat(200)],
  ])("%s are accepted and read back as sent", async (_name, title) => {
    const todo = await created(await t.asAlice("/v1/todos", jsonRequest("POST", { title })));
    expect(todo.title).toBe(title);
    const [listed] = await t.listTodos();
    expect(listed?.title).toBe(title);
  });

  test.each([
    ["201 emoji", "😀".repeat(201)],
    ["201 letters", "a".repeat(201)],
  ])("%s are too long", async (_name, title) => {
    const response = await t.asAlice("/v1/todos", jsonRequest("POST", { title }));
    const error = await expectContractError(response, 400, "REQUEST_PARAMETER_INVALID");
    expect(error.details).toEqual([{ field: "title", issue: "too_long", max: 200 }]);
    expect(await t.listTodos()).toEqual([]);
  });
});

describe("a lone surrogate is refused, never stored as U+FFFD", () => {
  test.each([
    ['{"title":"\\ud800x"}', "title"],
    ['{"title":"x\\udfff"}', "title"],
    ['{"title":"ok","completed":false,"\\ud800":1}', undefined],
  ])("%s is 400 not_well_formed", async (json, field) => {
    const response = await postRaw(json);
    const error = await expectContractError(response, 400, "REQUEST_PARAMETER_INVALID");
    expect(error.details).toEqual([{ ...(field && { field }), issue: "not_well_formed" }]);
    expect(JSON.stringify(error)).not.toContain("\ufffd");
    expect(await t.listTodos()).toEqual([]);
  });

  test("an update too, and the todo keeps its title", async () => {
    const todo = await created(await t.asAlice("/v1/todos", jsonRequest("POST", { title: "a" })));
    const response = await t.asAlice(`/v1/todos/${todo.id}`, {
      method: "PATCH",
      headers: { "Content-Type": "application/json", "If-Match": '"1"' },
      body: '{"title":"\\udbff"}',
    });
    await expectContractError(response, 400, "REQUEST_PARAMETER_INVALID");
    expect(await t.listTodos()).toEqual([todo]);
  });

  test("an escaped surrogate pair is just an emoji", async () => {
    const todo = await created(await postRaw('{"title":"\\ud83d\\ude00 party"}'));
    expect(todo.title).toBe("😀 party");
  });
});

describe("a title is one line: control characters are refused", () => {
  test.each([
    ["NUL", "nul\u0000byte"],
    ["a tab", "a\tb"],
    ["a newline", "first\nsecond"],
    ["a terminal escape", "red \u001b[31malert"],
    ["DEL", "a\u007fb"],
    ["C1 (CSI)", "a\u009b31m"],
  ])("%s inside is 400 control_character", async (_name, title) => {
    const response = await t.asAlice("/v1/todos", jsonRequest("POST", { title }));
    const error = await expectContractError(response, 400, "REQUEST_PARAMETER_INVALID");
    expect(error.details).toEqual([{ field: "title", issue: "control_character" }]);
    expect(await t.listTodos()).toEqual([]);
  });

  test("whitespace around the title, newlines included, is trimmed away", async () => {
    const todo = await created(
      await t.asAlice("/v1/todos", jsonRequest("POST", { title: "\t buy milk\r\n" })),
    );
    expect(todo.title).toBe("buy milk");
  });

  test("what is not a control character stays: no-break space, RTL text, zero-width joiner", async () => {
    const title = "a\u00a0b שלום 👩\u200d💻";
    expect(
      (await created(await t.asAlice("/v1/todos", jsonRequest("POST", { title })))).title,
    ).toBe(title);
  });
});
