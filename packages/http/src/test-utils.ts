import type { ErrorBody, ErrorCode } from "@tracemesh/errors";
import {
  ConflictError,
  DependencyError,
  ForbiddenError,
  NotFoundError,
  PreconditionFailedError,
  PreconditionRequiredError,
  RateLimitedError,
  UnauthenticatedError,
} from "@tracemesh/errors";
import { expectErrorContract } from "@tracemesh/errors/testing";
import { Hono } from "hono";
import { bearerAuth } from "hono/bearer-auth";
import { timeout } from "hono/timeout";
import * as v from "valibot";
import { jsonBody } from "./json-body.ts";
import { notFound } from "./not-found.ts";
import { onError } from "./on-error.ts";
import { requestContext } from "./request-context.ts";
import { validate } from "./validate.ts";

/** What the test app's unexpected failures say in their messages and causes. */
const SECRET_TEXT = ["Division by zero", "RangeError", "ECONNREFUSED", "10.0.0.5:5432", "user 7"];

const ListQuery = v.object({
  limit: v.optional(v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(1), v.maxValue(100))),
});
const CreateTodo = v.strictObject({
  title: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(200)),
  priority: v.optional(v.picklist(["low", "normal", "high"])),
  tags: v.optional(v.array(v.pipe(v.string(), v.maxLength(20)))),
});
const TodoParams = v.object({ id: v.pipe(v.string(), v.uuid()) });

/** A service-shaped app (ids first, then the handlers) whose routes raise each error category. */
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
  app.patch("/todos/:id", () => {
    throw new PreconditionFailedError({ currentEtag: '"3"', currentVersion: 3 });
  });
  app.delete("/todos/:id", () => {
    throw new PreconditionRequiredError({ issue: "required" });
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
    // The incident (docs/architecture.md#chaos): an uncaught division by zero.
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

/** `expectErrorContract` for the test app: nothing of its failures' own text may show either. */
export function expectTestAppError(
  response: Response,
  expected: { status: number; errorCode: ErrorCode },
): Promise<ErrorBody> {
  return expectErrorContract(response, { ...expected, secrets: SECRET_TEXT });
}
