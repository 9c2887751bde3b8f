import type { ErrorDetail } from "@tracemesh/errors";
import { VALIDATION_ISSUES } from "@tracemesh/errors";
import { expectErrorContract } from "@tracemesh/errors/testing";
import { Hono } from "hono";
import * as v from "valibot";
import { describe, expect, test } from "vitest";
import { jsonBody } from "./json-body.ts";
import { onError } from "./on-error.ts";
import { validate } from "./validate.ts";

const Query = v.object({
  limit: v.optional(v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(1), v.maxValue(100))),
  offset: v.optional(v.pipe(v.string(), v.toNumber(), v.minValue(0))),
  sort: v.optional(v.picklist(["created", "title"])),
});
const Body = v.strictObject({
  title: v.pipe(v.string(), v.minLength(1), v.maxLength(10)),
  email: v.optional(v.pipe(v.string(), v.email())),
  code: v.optional(v.pipe(v.string(), v.regex(/^[A-Z]{3}$/))),
  owner: v.optional(v.object({ name: v.string(), age: v.pipe(v.number(), v.maxValue(150)) })),
  items: v.optional(v.array(v.object({ qty: v.pipe(v.number(), v.integer()) }))),
  done: v.optional(v.boolean()),
  meta: v.optional(v.strictObject({ tag: v.string() })),
  pair: v.optional(v.strictTuple([v.number(), v.number()])),
  labels: v.optional(v.record(v.string(), v.string())),
  extra: v.optional(v.looseObject({ id: v.string() })),
});
const Params = v.object({ id: v.pipe(v.string(), v.uuid()) });

const app = new Hono();
app.onError(onError);
app.get("/items", validate("query", Query), (c) => {
  const { limit, sort } = c.req.valid("query");
  return c.json({ limit: limit ?? null, sort: sort ?? null });
});
app.post("/items", jsonBody(), validate("json", Body), (c) =>
  c.json({ title: c.req.valid("json").title }, 201),
);
app.get("/items/:id", validate("param", Params), (c) => c.json({ id: c.req.valid("param").id }));

async function detailsOf(response: Response): Promise<readonly ErrorDetail[]> {
  const body = await expectErrorContract(response, {
    status: 400,
    errorCode: "REQUEST_PARAMETER_INVALID",
  });
  return body.details ?? [];
}

function post(body: unknown) {
  return app.request("/items", {
    method: "POST",
    body: JSON.stringify(body),
    headers: { "Content-Type": "application/json" },
  });
}

describe("validate(target, schema)", () => {
  test("valid input reaches the handler, typed and transformed", async () => {
    const response = await app.request("/items?limit=20&sort=title");
    expect(await response.json()).toEqual({ limit: 20, sort: "title" });
    expect((await post({ title: "milk" })).status).toBe(201);
  });

  test.each([
    ["limit=0", { field: "limit", issue: "must_be_between", min: 1, max: 100 }],
    ["limit=101", { field: "limit", issue: "must_be_between", min: 1, max: 100 }],
    ["limit=abc", { field: "limit", issue: "invalid_type", expected: "number" }],
    ["limit=2.5", { field: "limit", issue: "must_be_integer" }],
    ["offset=-1", { field: "offset", issue: "must_be_at_least", min: 0 }],
    ["sort=random", { field: "sort", issue: "must_be_one_of", allowed: ["created", "title"] }],
    ["limit=1&limit=2", { field: "limit", issue: "invalid_type", expected: "string" }],
  ])("query %s → %o", async (query, detail) => {
    expect(await detailsOf(await app.request(`/items?${query}`))).toEqual([detail]);
  });

  test.each([
    [{}, { field: "title", issue: "required" }],
    [{ title: "" }, { field: "title", issue: "too_short", min: 1 }],
    [{ title: "x".repeat(11) }, { field: "title", issue: "too_long", max: 10 }],
    [{ title: 7 }, { field: "title", issue: "invalid_type", expected: "string" }],
    [
      { title: "a", email: "nope" },
      { field: "email", issue: "invalid_format", format: "email" },
    ],
    [
      { title: "a", code: "abc" },
      { field: "code", issue: "invalid_format", format: "pattern" },
    ],
    [
      { title: "a", owner: { name: "x", age: 200 } },
      { field: "owner.age", issue: "must_be_at_most", max: 150 },
    ],
    [
      { title: "a", owner: { age: 1 } },
      { field: "owner.name", issue: "required" },
    ],
    [
      { title: "a", items: [{ qty: 1 }, { qty: 1.5 }] },
      { field: "items.1.qty", issue: "must_be_integer" },
    ],
    [
      { title: "a", done: "yes" },
      { field: "done", issue: "invalid_type", expected: "boolean" },
    ],
    [
      { title: "a", admin: true },
      { field: "admin", issue: "not_allowed" },
    ],
  ])("body %j → %o", async (input, detail) => {
    expect(await detailsOf(await post(input))).toEqual([detail]);
  });

  // Valibot gives a strict object's (or tuple's) wrong type and its extra key (or item) the same
  // issue type: only the extra one is `not_allowed`, and only the first extra key is reported.
  test.each([
    [{ meta: "tag" }, { field: "meta", issue: "invalid_type", expected: "object" }],
    [{ meta: null }, { field: "meta", issue: "invalid_type", expected: "object" }],
    [{ meta: { tag: "a", x: 1, y: 2 } }, { field: "meta.x", issue: "not_allowed" }],
    [{ pair: "1,2" }, { field: "pair", issue: "invalid_type", expected: "array" }],
    [{ pair: [1, 2, 3] }, { field: "pair.2", issue: "not_allowed" }],
    // Named as JSON names them, whatever kind of object the schema is.
    [{ labels: "x" }, { field: "labels", issue: "invalid_type", expected: "object" }],
    [{ extra: "x" }, { field: "extra", issue: "invalid_type", expected: "object" }],
  ])("nested strict body %j → %o", async (input, detail) => {
    expect(await detailsOf(await post({ title: "a", ...input }))).toEqual([detail]);
  });

  test("one entry per failing field, the input never echoed", async () => {
    const secret = "<script>alert(1)</script>";
    const response = await post({ title: secret.repeat(3), email: secret, done: secret });
    const text = await response.clone().text();
    expect(text).not.toContain("script");
    const details = await detailsOf(response);
    expect(details.map((detail) => detail.field)).toEqual(["title", "email", "done"]);
  });

  test("path parameters too", async () => {
    expect(await detailsOf(await app.request("/items/42"))).toEqual([
      { field: "id", issue: "invalid_format", format: "uuid" },
    ]);
  });

  test("a JSON body sent without jsonBody() is read as missing fields, not a crash", async () => {
    const plain = new Hono();
    plain.onError(onError);
    plain.post("/items", validate("json", Body), (c) => c.json({}));
    const response = await plain.request("/items", { method: "POST", body: "title=a" });
    expect(await detailsOf(response)).toEqual([{ field: "title", issue: "required" }]);
  });

  test("every issue a client can receive is documented", async () => {
    const responses = await Promise.all([
      app.request("/items?limit=0&offset=-1&sort=x"),
      post({ title: "", email: "x", items: [{ qty: 0.5 }], admin: 1, done: 1 }),
    ]);
    for (const response of responses) {
      for (const detail of await detailsOf(response))
        expect(Object.keys(VALIDATION_ISSUES)).toContain(detail.issue);
    }
  });
});
