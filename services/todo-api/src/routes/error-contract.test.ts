import { ERROR_CATALOG, type ErrorCode, PROBLEM_TYPE_PREFIX } from "@tracemesh/errors";
import { freePort } from "@tracemesh/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createPgClient } from "../storage/pg-client.ts";
import type { SqlClient } from "../storage/sql-client.ts";
import { createTodoStore } from "../storage/todo-store.ts";
import { expectContractError, jsonRequest, withBearer } from "../test-utils.ts";
import { openSignedInApp, type SignedInApp } from "./test-utils.ts";
import type { TodoResource } from "./todo-representation.ts";

// Every error category todo-api can answer, raised through the real app, in each language and in
// both forms: the same contract whatever the category (docs/architecture.md#the-error-contract).

let t: SignedInApp;
let down: SignedInApp;
let unreachable: SqlClient;
let carolToken: string;
beforeAll(async () => {
  t = await openSignedInApp({ requestBodyLimitBytes: 1024 });
  carolToken = await t.auth.login("carol");
  unreachable = createPgClient({
    connectionString: `postgres://postgres@127.0.0.1:${await freePort()}/test`,
  });
  down = await openSignedInApp({ database: unreachable, store: createTodoStore(unreachable) });
});
afterAll(async () => {
  await unreachable?.close();
  await Promise.all([t?.close(), down?.close()]);
});

const UNKNOWN_ID = "6a1f3c2e-9b4d-4e8f-a7c6-5d4e3f2a1b0c";
type Send = (headers: Record<string, string>) => Promise<Response>;

async function createTodo(): Promise<TodoResource> {
  const created = await t.asAlice("/v1/todos", jsonRequest("POST", { title: "mine" }));
  return (await created.json()) as TodoResource;
}

function merged(init: RequestInit, headers: Record<string, string>): RequestInit {
  return { ...init, headers: { ...(init.headers as Record<string, string>), ...headers } };
}

const categories: [name: string, status: number, errorCode: ErrorCode, send: Send][] = [
  [
    "a bad query parameter",
    400,
    "REQUEST_PARAMETER_INVALID",
    (headers) => t.asAlice("/v1/todos?limit=0", { headers }),
  ],
  [
    "unparsable JSON",
    400,
    "REQUEST_BODY_INVALID",
    (headers) =>
      t.asAlice(
        "/v1/todos",
        merged(
          { method: "POST", body: "{" },
          {
            "Content-Type": "application/json",
            ...headers,
          },
        ),
      ),
  ],
  [
    "no bearer token",
    401,
    "AUTH_REQUIRED",
    async (headers) => t.app.request("/v1/todos", { headers }),
  ],
  [
    "a viewer writing",
    403,
    "FORBIDDEN",
    async (headers) =>
      t.app.request(
        "/v1/todos",
        withBearer(carolToken, merged(jsonRequest("POST", { title: "x" }), headers)),
      ),
  ],
  [
    "an unknown todo",
    404,
    "RESOURCE_NOT_FOUND",
    (headers) => t.asAlice(`/v1/todos/${UNKNOWN_ID}`, { headers }),
  ],
  [
    "a method the path does not take",
    405,
    "METHOD_NOT_ALLOWED",
    (headers) => t.asAlice(`/v1/todos/${UNKNOWN_ID}`, { method: "PUT", headers }),
  ],
  [
    "a body version that is not the current one",
    409,
    "RESOURCE_CONFLICT",
    async (headers) => {
      const { id } = await createTodo();
      const patch = jsonRequest("PATCH", { title: "theirs", version: 2 });
      return t.asAlice(`/v1/todos/${id}`, merged(patch, headers));
    },
  ],
  [
    "an If-Match that is not the current ETag",
    412,
    "PRECONDITION_FAILED",
    async (headers) => {
      const { id } = await createTodo();
      const patch = jsonRequest("PATCH", { title: "theirs" }, { "If-Match": '"2"' });
      return t.asAlice(`/v1/todos/${id}`, merged(patch, headers));
    },
  ],
  [
    "a body past the limit",
    413,
    "PAYLOAD_TOO_LARGE",
    (headers) =>
      t.asAlice("/v1/todos", merged(jsonRequest("POST", { title: "z".repeat(2000) }), headers)),
  ],
  [
    "a body that is not JSON",
    415,
    "UNSUPPORTED_MEDIA_TYPE",
    (headers) =>
      t.asAlice("/v1/todos", {
        method: "POST",
        body: "title=x",
        headers: { "Content-Type": "text/plain", ...headers },
      }),
  ],
  [
    "an update without a version",
    428,
    "PRECONDITION_REQUIRED",
    async (headers) => {
      const { id } = await createTodo();
      return t.asAlice(`/v1/todos/${id}`, merged(jsonRequest("PATCH", { title: "x" }), headers));
    },
  ],
  [
    "the database down",
    503,
    "SERVICE_UNAVAILABLE",
    (headers) => down.asAlice("/v1/todos", { headers }),
  ],
];

describe.each(categories)("%s: %i %s", (_name, status, errorCode, send) => {
  test("in English by default, with the trace and request id headers", async () => {
    const response = await send({ "X-Request-Id": "contract-check-1" });
    const body = await expectContractError(response, status, errorCode, "contract-check-1");
    // The catalog message in that language, Retry-After and the rest: expectContractError's.
    expect(response.headers.get("Content-Language")).toBe("en");
    expect(body.retryable).toBe(status === 503);
    if (status === 503) expect(body.details).toEqual([{ type: "dependency", name: "database" }]);
    if (status === 412 || status === 428) {
      expect(body.details).toEqual([expect.objectContaining({ field: "If-Match" })]);
    }
    if (status === 401) expect(response.headers.get("WWW-Authenticate")).toBe("Bearer");
    if (status === 405) {
      expect(response.headers.get("Allow")?.split(", ").sort()).toEqual([
        "DELETE",
        "GET",
        "HEAD",
        "PATCH",
      ]);
    }
  });

  test("in French when asked, the errorCode unchanged", async () => {
    const response = await send({ "Accept-Language": "fr-CA, en;q=0.5" });
    await expectContractError(response, status, errorCode);
    expect(response.headers.get("Content-Language")).toBe("fr");
    expect(response.headers.get("Vary")).toMatch(/Accept-Language/);
  });

  test("as RFC 9457 problem details when asked", async () => {
    const response = await send({ Accept: "application/problem+json", "Accept-Language": "fr" });
    expect(response.headers.get("Content-Type")).toBe("application/problem+json");
    const body = await expectContractError(response, status, errorCode);
    expect(body).toMatchObject({
      type: `${PROBLEM_TYPE_PREFIX}${errorCode}`,
      title: ERROR_CATALOG[errorCode].messages.fr,
      status,
      detail: ERROR_CATALOG[errorCode].messages.fr,
      instance: body.path,
    });
  });
});
