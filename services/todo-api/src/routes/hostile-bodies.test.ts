import type { ErrorCode, ErrorDetail } from "@tracemesh/errors";
import { describe, expect, test } from "vitest";
import { expectContractError } from "../test-utils.ts";
import { useAppWithOneTodo } from "./test-utils.ts";

// Hostile bodies sent to the real todo-api (auth, validation, store) as alice: each one is
// answered in the contract, none is a 500, and none leaves anything stored or changed.

const t = useAppWithOneTodo();

const JSON_TYPE = { "Content-Type": "application/json" };
const DEPTH = 10_000;

type BodyCase = [
  name: string,
  body: string | Uint8Array,
  status: number,
  errorCode: ErrorCode,
  details?: ErrorDetail[],
  headers?: Record<string, string>,
];

const cases: BodyCase[] = [
  ["unparsable JSON", '{"title": "a",', 400, "REQUEST_BODY_INVALID"],
  ["an empty body sent as JSON", "", 400, "REQUEST_BODY_INVALID"],
  ["a raw control character inside a string", '{"title":"a\u0007b"}', 400, "REQUEST_BODY_INVALID"],
  [
    "bytes that are not UTF-8",
    new Uint8Array([0x7b, 0x22, 0x74, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
    400,
    "REQUEST_BODY_INVALID",
    [{ type: "body", issue: "invalid_utf8" }],
  ],
  [
    "an overlong UTF-8 encoding of '/'",
    new Uint8Array([0x7b, 0x22, 0x74, 0x22, 0x3a, 0x22, 0xc0, 0xaf, 0x22, 0x7d]),
    400,
    "REQUEST_BODY_INVALID",
    [{ type: "body", issue: "invalid_utf8" }],
  ],
  [
    `arrays nested ${DEPTH * 3} deep`,
    "[".repeat(DEPTH * 3) + "]".repeat(DEPTH * 3),
    400,
    "REQUEST_PARAMETER_INVALID",
    [{ issue: "invalid_type", expected: "object" }],
  ],
  [
    `objects nested ${DEPTH} deep`,
    `${'{"a":'.repeat(DEPTH)}1${"}".repeat(DEPTH)}`,
    400,
    "REQUEST_PARAMETER_INVALID",
  ],
  [
    "a 10 MB body",
    `{"title":"${"x".repeat(10 * 1024 * 1024)}"}`,
    413,
    "PAYLOAD_TOO_LARGE",
    [{ type: "body", maxBytes: 65_536 }],
  ],
  [
    "a title of the wrong type (operator injection)",
    '{"title":{"$gt":""}}',
    400,
    "REQUEST_PARAMETER_INVALID",
    [{ field: "title", issue: "invalid_type", expected: "string" }],
  ],
  ["a null title", '{"title":null}', 400, "REQUEST_PARAMETER_INVALID"],
  ["a title as a list", '{"title":["a"]}', 400, "REQUEST_PARAMETER_INVALID"],
  ["a number too large for a double", '{"title":1e999}', 400, "REQUEST_PARAMETER_INVALID"],
  [
    "completed as a string",
    '{"title":"a","completed":"true"}',
    400,
    "REQUEST_PARAMETER_INVALID",
    [{ field: "completed", issue: "invalid_type", expected: "boolean" }],
  ],
  [
    "a prototype pollution attempt",
    '{"title":"a","__proto__":{"admin":true}}',
    400,
    "REQUEST_PARAMETER_INVALID",
    [{ field: "__proto__", issue: "not_allowed" }],
  ],
  [
    "an owner smuggled in",
    '{"title":"a","ownerId":"someone-else"}',
    400,
    "REQUEST_PARAMETER_INVALID",
    [{ field: "ownerId", issue: "not_allowed" }],
  ],
  [
    "a control character, escaped",
    '{"title":"a\\u0000b"}',
    400,
    "REQUEST_PARAMETER_INVALID",
    [{ field: "title", issue: "control_character" }],
  ],
  [
    "a lone surrogate, escaped",
    '{"title":"\\ud800"}',
    400,
    "REQUEST_PARAMETER_INVALID",
    [{ field: "title", issue: "not_well_formed" }],
  ],
  [
    "JSON sent as text/plain",
    '{"title":"a"}',
    415,
    "UNSUPPORTED_MEDIA_TYPE",
    undefined,
    {
      "Content-Type": "text/plain",
    },
  ],
  [
    "a form",
    "title=a",
    415,
    "UNSUPPORTED_MEDIA_TYPE",
    undefined,
    {
      "Content-Type": "application/x-www-form-urlencoded",
    },
  ],
];

describe("POST /v1/todos with a hostile body", () => {
  test.each(cases)("%s: %i %s", async (_name, body, status, errorCode, details, headers) => {
    const response = await t.asAlice("/v1/todos", {
      method: "POST",
      headers: headers ?? JSON_TYPE,
      body,
    });
    const error = await expectContractError(response, status, errorCode);
    expect(error).toMatchObject({ path: "/v1/todos", method: "POST", retryable: false });
    if (details) expect(error.details).toEqual(details);
  });

  test("3000 unknown fields: details stay bounded", async () => {
    const fields = Object.fromEntries(Array.from({ length: 3_000 }, (_, i) => [`k${i}`, i]));
    const response = await t.asAlice("/v1/todos", {
      method: "POST",
      headers: JSON_TYPE,
      body: JSON.stringify({ title: "a", ...fields }),
    });
    const error = await expectContractError(response, 400, "REQUEST_PARAMETER_INVALID");
    expect(error.details?.length).toBeLessThanOrEqual(50);
  });
});

describe("PATCH /v1/todos/:id with a hostile body", () => {
  test.each([
    ['{"title":"\\udfff","version":1}', "REQUEST_PARAMETER_INVALID"],
    ['{"version":"1","title":"x"}', "REQUEST_PARAMETER_INVALID"],
    ['{"version":1e999,"title":"x"}', "REQUEST_PARAMETER_INVALID"],
    ['{"version":2147483648,"title":"x"}', "REQUEST_PARAMETER_INVALID"],
    ['{"version":1,"id":"6a1f3c2e-9b4d-4e8f-a7c6-5d4e3f2a1b0c"}', "REQUEST_PARAMETER_INVALID"],
    ['{"version":1,"title":', "REQUEST_BODY_INVALID"],
  ] as const)("%s: 400 %s, and the todo stays as it was", async (body, errorCode) => {
    const response = await t.asAlice(`/v1/todos/${t.existing.id}`, {
      method: "PATCH",
      headers: JSON_TYPE,
      body,
    });
    await expectContractError(response, 400, errorCode);
  });
});
