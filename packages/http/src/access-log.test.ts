import { captureLogger } from "@tracemesh/logger/testing";
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { describe, expect, it } from "vitest";
import { accessLog } from "./access-log.ts";
import { requestContext } from "./request-context.ts";

const TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

function createTestApp() {
  const { logger, lines, raw } = captureLogger({ service: "todo-api" });
  const app = new Hono();
  app.use(requestContext(), accessLog({ logger }));
  app.post("/v1/todos/:id", (c) => {
    c.var.logger.info("todo.updated", { todoId: c.req.param("id") });
    return c.json({ ok: true });
  });
  app.get("/v1/conflict", () => {
    throw new HTTPException(409, { message: "already exists" });
  });
  app.get("/error", () => {
    // The incident: an uncaught division by zero.
    return new Response(String(1n / 0n));
  });
  app.get("/thrown-string", () => {
    throw "not an Error";
  });
  // Stands in for the contract's handlers (on-error.ts, not-found.ts): a bare body, and the code on
  // the context.
  app.onError((error, c) => {
    const status = error instanceof HTTPException ? error.status : 500;
    c.set("errorCode", status === 500 ? "INTERNAL_ERROR" : "RESOURCE_CONFLICT");
    return c.json({ code: c.var.errorCode, traceId: c.var.traceId }, status);
  });
  app.notFound((c) => {
    c.set("errorCode", "RESOURCE_NOT_FOUND");
    return c.json({ code: "RESOURCE_NOT_FOUND" }, 404);
  });
  return { app, lines, raw };
}

describe("accessLog", () => {
  it("writes one info http.request line for a 200, and gives handlers a request logger", async () => {
    const { app, lines, raw } = createTestApp();
    const res = await app.request("/v1/todos/42", {
      method: "POST",
      headers: {
        traceparent: TRACEPARENT,
        "X-Request-Id": "req-42",
        "content-type": "application/json",
      },
      body: JSON.stringify({ title: "a", password: "body-secret" }),
    });
    expect(res.status).toBe(200);
    const [handlerLine, accessLine, ...rest] = await lines();
    expect(rest).toEqual([]);
    const identity = {
      traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
      spanId: res.headers.get("traceresponse")?.split("-")[2],
      requestId: "req-42",
    };
    expect(handlerLine).toMatchObject({ event: "todo.updated", todoId: "42", ...identity });
    expect(accessLine).toMatchObject({
      level: "info",
      service: "todo-api",
      event: "http.request",
      ...identity,
    });
    expect(accessLine?.http).toMatchObject({ method: "POST", route: "/v1/todos/:id", status: 200 });
    expect(accessLine?.http).toHaveProperty("durationMs", expect.any(Number));
    expect(accessLine).not.toHaveProperty("error");
    expect(accessLine).not.toHaveProperty("errorCode");
    expect(raw()).not.toContain("body-secret");
  });

  it("logs a 404 as warn with the errorCode and no route", async () => {
    const { app, lines } = createTestApp();
    const res = await app.request("/v1/nothing-here");
    expect(res.status).toBe(404);
    const [line, ...rest] = await lines();
    expect(rest).toEqual([]);
    expect(line).toMatchObject({
      level: "warn",
      event: "http.request",
      errorCode: "RESOURCE_NOT_FOUND",
    });
    expect(line?.http).toEqual({ method: "GET", status: 404, durationMs: expect.any(Number) });
    expect(line).not.toHaveProperty("error");
  });

  it("keeps the stack out of 4xx lines even when an error was thrown", async () => {
    const { app, lines } = createTestApp();
    expect((await app.request("/v1/conflict")).status).toBe(409);
    const [line] = await lines();
    expect(line).toMatchObject({
      level: "warn",
      errorCode: "RESOURCE_CONFLICT",
      http: { status: 409 },
    });
    expect(line).not.toHaveProperty("error");
  });

  it("logs a thrown 500 as error with the stack, which the response never carries", async () => {
    const { app, lines } = createTestApp();
    const res = await app.request("/error");
    expect(res.status).toBe(500);
    const body = await res.text();
    const [line, ...rest] = await lines();
    expect(rest).toEqual([]);
    expect(line).toMatchObject({
      level: "error",
      event: "http.request",
      errorCode: "INTERNAL_ERROR",
      http: { method: "GET", route: "/error", status: 500 },
      error: { name: "RangeError", message: "Division by zero" },
    });
    expect(line?.error).toHaveProperty("stack", expect.stringContaining("access-log.test.ts"));
    expect(body).not.toContain("Division by zero");
    expect(body).not.toContain("access-log.test.ts");
  });

  it("still writes the line when something that is not an Error is thrown", async () => {
    const { app, lines } = createTestApp();
    await expect(app.request("/thrown-string")).rejects.toBe("not an Error");
    const [line] = await lines();
    expect(line).toMatchObject({ level: "error", http: { status: 500 }, error: "not an Error" });
  });
});
