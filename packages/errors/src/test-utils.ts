import { requestContext } from "@tracemesh/telemetry";
import { Hono } from "hono";
import { bearerAuth } from "hono/bearer-auth";
import { timeout } from "hono/timeout";
import * as v from "valibot";
import { expect } from "vitest";
import { ERROR_CATALOG, type ErrorCode, type Language } from "./catalog.ts";
import type { ErrorBody } from "./error-body.ts";
import {
  ConflictError,
  DependencyError,
  ForbiddenError,
  NotFoundError,
  RateLimitedError,
  UnauthenticatedError,
} from "./error-classes.ts";
import { jsonBody } from "./json-body.ts";
import { notFound } from "./not-found.ts";
import { onError } from "./on-error.ts";
import { validate } from "./validate.ts";

/** What an unexpected failure's message and cause say: none of it may reach a client. */
export const SECRET_TEXT = [
  "Division by zero",
  "RangeError",
  "ECONNREFUSED",
  "10.0.0.5:5432",
  "user 7",
];

const ListQuery = v.object({
  limit: v.optional(v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(1), v.maxValue(100))),
});
const CreateTodo = v.strictObject({
  title: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(200)),
  priority: v.optional(v.picklist(["low", "normal", "high"])),
  tags: v.optional(v.array(v.pipe(v.string(), v.maxLength(20)))),
});
const TodoParams = v.object({ id: v.pipe(v.string(), v.uuid()) });

/** A service-shaped app (DESIGN's assembly order) whose routes raise each error category. */
export function createTestApp(): Hono {
  const app = new Hono();
  app.use(requestContext());
  app.onError(onError);
  app.notFound(notFound({ app }));
  app.get("/todos", validate("query", ListQuery), (c) =>
    c.json({ limit: c.req.valid("query").limit }),
  );
  app.post("/todos", jsonBody(), validate("json", CreateTodo), (c) =>
    c.json(c.req.valid("json"), 201),
  );
  app.get("/todos/:id", validate("param", TodoParams), () => {
    throw new NotFoundError({ message: "todo 42 belongs to user 7" });
  });
  app.put("/todos/:id", () => {
    throw new ConflictError({ reason: "version_mismatch", currentVersion: 3 });
  });
  app.get("/private", () => {
    throw new UnauthenticatedError();
  });
  app.get("/admin", () => {
    throw new ForbiddenError();
  });
  app.get("/busy", () => {
    throw new RateLimitedError({ retryAfterSeconds: 7 });
  });
  app.get("/degraded", () => {
    const cause = new Error("connect ECONNREFUSED 10.0.0.5:5432");
    throw new DependencyError({ dependency: "database", cause });
  });
  app.get("/error", (c) => {
    // The incident of DESIGN §8: an uncaught division by zero.
    const zero = BigInt(c.req.query("divisor") ?? 0);
    return c.json({ result: String(1n / zero) });
  });
  // Hono's own middleware throw HTTPException: they must answer in the contract too.
  app.get("/bearer", bearerAuth({ token: "s3cret-token" }), (c) => c.json({ ok: true }));
  app.get("/slow", timeout(5), async (c) => {
    await new Promise((resolve) => setTimeout(resolve, 200));
    return c.json({ ok: true });
  });
  app.post("/raw-json", validate("json", CreateTodo), (c) => c.json(c.req.valid("json")));
  return app;
}

const CONTRACT_FIELDS = [
  "errorCode",
  "message",
  "traceId",
  "timestamp",
  "path",
  "method",
  "retryable",
];
const PROBLEM_FIELDS = ["type", "title", "status", "detail", "instance"];
const OPTIONAL_FIELDS = ["details", "hint"];

/**
 * Reads an error response and checks what every client relies on: the status of its code,
 * the exact field set, a 32-hex traceId, the catalog message in the Content-Language, and
 * nothing of a stack or of the failure's own text. Returns the body for further checks.
 */
export async function expectErrorContract(
  response: Response,
  expected: { status: number; errorCode: ErrorCode },
): Promise<ErrorBody> {
  const text = await response.text();
  expect({ status: response.status, text }).toMatchObject({ status: expected.status });
  const problem = response.headers.get("content-type") === "application/problem+json";
  if (!problem) expect(response.headers.get("content-type")).toBe("application/json");
  const body = JSON.parse(text) as ErrorBody;
  expect(body.errorCode).toBe(expected.errorCode);
  const fields = Object.keys(body).filter((key) => !OPTIONAL_FIELDS.includes(key));
  const expectedFields = problem ? [...CONTRACT_FIELDS, ...PROBLEM_FIELDS] : CONTRACT_FIELDS;
  expect(fields.sort()).toEqual([...expectedFields].sort());
  expect(body.traceId).toMatch(/^[0-9a-f]{32}$/);
  expect(body.traceId).not.toBe("0".repeat(32));
  expect(new Date(body.timestamp).toISOString()).toBe(body.timestamp);
  expect(body.retryable).toBe(ERROR_CATALOG[expected.errorCode].retryable);
  const language = response.headers.get("content-language") as Language;
  expect(body.message).toBe(ERROR_CATALOG[expected.errorCode].messages[language]);
  if (body.details !== undefined) expect(body.details.length).toBeGreaterThan(0);
  expect(text).not.toMatch(/\n\s+at |node_modules|\.ts:\d+/);
  for (const secret of SECRET_TEXT) expect(text).not.toContain(secret);
  return body;
}
