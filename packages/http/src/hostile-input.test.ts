import type { ErrorCode } from "@tracemesh/errors";
import { describe, expect, test } from "vitest";
import { createTestApp, expectTestAppError } from "./test-utils.ts";

const app = createTestApp();
const JSON_TYPE = { "Content-Type": "application/json" };
const DEPTH = 100_000;

function postTodo(
  body: NonNullable<RequestInit["body"]>,
  headers: Record<string, string> = JSON_TYPE,
): RequestInit {
  return { method: "POST", body, headers };
}

type HostileCase = [
  name: string,
  path: string,
  init: RequestInit,
  status: number,
  errorCode: ErrorCode,
];

const cases: HostileCase[] = [
  ["unparsable JSON", "/todos", postTodo('{"title": "a",'), 400, "REQUEST_BODY_INVALID"],
  [
    "JSON with a raw control character",
    "/todos",
    postTodo('{"title": "a\u0007b"}'),
    400,
    "REQUEST_BODY_INVALID",
  ],
  [
    "invalid UTF-8 bytes",
    "/todos",
    postTodo(new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])),
    400,
    "REQUEST_BODY_INVALID",
  ],
  [
    `arrays nested ${DEPTH} deep`,
    "/todos",
    postTodo("[".repeat(DEPTH) + "]".repeat(DEPTH)),
    400,
    "REQUEST_PARAMETER_INVALID",
  ],
  [
    `objects nested ${DEPTH} deep`,
    "/todos",
    postTodo(`${'{"a":'.repeat(DEPTH)}1${"}".repeat(DEPTH)}`),
    400,
    "REQUEST_PARAMETER_INVALID",
  ],
  [
    "a 10 MB body",
    "/todos",
    postTodo(`{"title":"${"x".repeat(10 * 1024 * 1024)}"}`),
    413,
    "PAYLOAD_TOO_LARGE",
  ],
  [
    "a title of the wrong type (operator injection)",
    "/todos",
    postTodo('{"title": {"$gt": ""}}'),
    400,
    "REQUEST_PARAMETER_INVALID",
  ],
  ["a null title", "/todos", postTodo('{"title": null}'), 400, "REQUEST_PARAMETER_INVALID"],
  [
    "a number too large for a double",
    "/todos",
    postTodo('{"title": 1e999}'),
    400,
    "REQUEST_PARAMETER_INVALID",
  ],
  [
    "a prototype pollution attempt",
    "/todos",
    postTodo('{"title": "a", "__proto__": {"admin": true}}'),
    400,
    "REQUEST_PARAMETER_INVALID",
  ],
  [
    "10k unknown fields",
    "/todos",
    postTodo(
      JSON.stringify(Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, i]))),
    ),
    400,
    "REQUEST_PARAMETER_INVALID",
  ],
  [
    "a body sent as text/plain",
    "/todos",
    postTodo('{"title":"a"}', { "Content-Type": "text/plain" }),
    415,
    "UNSUPPORTED_MEDIA_TYPE",
  ],
  ["a control character in the query", "/todos?limit=%00", {}, 400, "REQUEST_PARAMETER_INVALID"],
  ["invalid UTF-8 in the query", "/todos?limit=%FF%FE", {}, 400, "REQUEST_PARAMETER_INVALID"],
  [
    "broken percent-encoding in the query",
    "/todos?limit=%E0%A4%A",
    {},
    400,
    "REQUEST_PARAMETER_INVALID",
  ],
  ["invalid UTF-8 in a path parameter", "/todos/%C3%28", {}, 400, "REQUEST_PARAMETER_INVALID"],
  ["a NUL in a path parameter", "/todos/%00", {}, 400, "REQUEST_PARAMETER_INVALID"],
  [
    "an encoded slash in a path parameter",
    "/todos/..%2F..%2Fetc%2Fpasswd",
    {},
    400,
    "REQUEST_PARAMETER_INVALID",
  ],
  ["an encoded slash between segments", "/todos%2F42", {}, 404, "RESOURCE_NOT_FOUND"],
  ["dot segments", "/todos/../../../etc/passwd", {}, 404, "RESOURCE_NOT_FOUND"],
  ["encoded dot segments", "/%2e%2e/%2e%2e/etc/passwd", {}, 404, "RESOURCE_NOT_FOUND"],
  ["a 10k-character path", `/${"a/".repeat(5000)}`, {}, 404, "RESOURCE_NOT_FOUND"],
  ["PROPFIND on a known path", "/todos", { method: "PROPFIND" }, 405, "METHOD_NOT_ALLOWED"],
  ["BREW on a known path", "/todos", { method: "BREW" }, 405, "METHOD_NOT_ALLOWED"],
  ["BREW on an unknown path", "/coffee-pot", { method: "BREW" }, 404, "RESOURCE_NOT_FOUND"],
  ["a lowercase custom method", "/todos", { method: "brew" }, 405, "METHOD_NOT_ALLOWED"],
  [
    "garbage Accept and Accept-Language",
    "/admin",
    { headers: { Accept: ";;;q=x,,*/*;q=-1", "Accept-Language": "fr;q=abc, ;;; ,*;q=2, \u00e9" } },
    403,
    "FORBIDDEN",
  ],
  [
    "a malformed traceparent",
    "/admin",
    { headers: { traceparent: "00-zzzz-\u00e9-01" } },
    403,
    "FORBIDDEN",
  ],
];

describe("hostile input is answered in the contract, never with a 500", () => {
  test.each(cases)("%s", async (_name, path, init, status, errorCode) => {
    const response = await app.request(path, init);
    await expectTestAppError(response, { status, errorCode });
  });

  test("details stay bounded whatever the number of bad fields", async () => {
    const many = JSON.stringify(
      Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, i])),
    );
    const body = await expectTestAppError(await app.request("/todos", postTodo(many)), {
      status: 400,
      errorCode: "REQUEST_PARAMETER_INVALID",
    });
    expect(body.details?.length).toBeLessThanOrEqual(50);
  });

  test("the path is reported as sent, percent-encoded, never decoded into control characters", async () => {
    const body = await expectTestAppError(await app.request("/nope/%00%0A%1B[31m"), {
      status: 404,
      errorCode: "RESOURCE_NOT_FOUND",
    });
    expect(body.path).toBe("/nope/%00%0A%1B[31m");
  });

  test("a lone surrogate escape parses, but is refused rather than stored as U+FFFD", async () => {
    const response = await app.request("/todos", postTodo('{"title": "\\ud800x"}'));
    const body = await expectTestAppError(response, {
      status: 400,
      errorCode: "REQUEST_PARAMETER_INVALID",
    });
    expect(body.details).toEqual([{ field: "title", issue: "not_well_formed" }]);
  });
});
