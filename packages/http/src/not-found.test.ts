import { expectErrorContract } from "@tracemesh/errors/testing";
import { Hono } from "hono";
import { describe, expect, test } from "vitest";
import { notFound } from "./not-found.ts";
import { onError } from "./on-error.ts";

function createApp(): Hono {
  const app = new Hono();
  app.use(async (_c, next) => next());
  app.onError(onError);
  app.notFound(notFound({ app }));
  app.get("/todos", (c) => c.json([]));
  app.post("/todos", (c) => c.json({}, 201));
  app.get("/todos/:id", (c) => c.json({ id: c.req.param("id") }));
  app.delete("/todos/:id", (c) => c.body(null, 204));
  const v1 = new Hono();
  v1.patch("/settings", (c) => c.json({}));
  app.route("/v1", v1);
  return app;
}

function allowOf(response: Response): string[] | undefined {
  return response.headers.get("allow")?.split(", ").sort();
}

describe("notFound({ app })", () => {
  const app = createApp();

  test.each([
    ["PUT", "/todos", ["GET", "HEAD", "POST"]],
    ["POST", "/todos/42", ["DELETE", "GET", "HEAD"]],
    ["GET", "/v1/settings", ["PATCH"]],
    ["PROPFIND", "/todos", ["GET", "HEAD", "POST"]],
    ["BREW", "/todos/42", ["DELETE", "GET", "HEAD"]],
    ["OPTIONS", "/todos", ["GET", "HEAD", "POST"]],
  ])("%s %s → 405 with Allow %j", async (method, path, allow) => {
    const response = await app.request(path, { method });
    await expectErrorContract(response, { status: 405, errorCode: "METHOD_NOT_ALLOWED" });
    expect(allowOf(response)).toEqual(allow);
  });

  test.each([
    ["GET", "/nothing"],
    ["GET", "/todos/42/comments"],
    ["BREW", "/coffee"],
    ["DELETE", "/v1"],
  ])("%s %s → 404, no Allow", async (method, path) => {
    const response = await app.request(path, { method });
    await expectErrorContract(response, { status: 404, errorCode: "RESOURCE_NOT_FOUND" });
    expect(response.headers.get("allow")).toBeNull();
  });

  test("HEAD is answered by GET routes; a HEAD error keeps its status and has no body", async () => {
    expect((await app.request("/todos", { method: "HEAD" })).status).toBe(200);
    const missing = await app.request("/nothing", { method: "HEAD" });
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-language")).toBe("en");
    expect(await missing.text()).toBe("");
  });
});
