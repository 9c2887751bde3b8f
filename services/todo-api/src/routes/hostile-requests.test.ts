import type { ErrorCode } from "@tracemesh/errors";
import { describe, expect, test } from "vitest";
import { expectContractError, jsonRequest } from "../test-utils.ts";
import { useAppWithOneTodo } from "./test-utils.ts";

// Hostile queries, headers, methods and paths sent to the real todo-api as alice: each one
// is answered in the contract, none is a 500, none is reflected, none changes anything.

const t = useAppWithOneTodo();

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const ZERO_ID = "00000000-0000-0000-0000-000000000000";

describe("GET /v1/todos with a forged cursor: 400 on cursor, before the database sees it", () => {
  test.each([
    ["before PostgreSQL's first day", b64(["-004714-01-01T00:00:00.000Z", ZERO_ID])],
    ["year 0", b64(["0000-01-01T00:00:00.000Z", ZERO_ID])],
    ["JavaScript's last day", b64(["+275760-09-13T00:00:00.000Z", ZERO_ID])],
    ["year 10000", b64(["+010000-01-01T00:00:00.000Z", ZERO_ID])],
    ["a date without milliseconds", b64(["2026-01-01T00:00:00Z", ZERO_ID])],
    ["an id that is no UUID", b64(["2026-01-01T00:00:00.000Z", "1 OR 1=1"])],
    ["SQL", b64(["2026-01-01'; DROP TABLE todos; --", ZERO_ID])],
    ["a JSON object", b64({ createdAt: "2026-01-01T00:00:00.000Z", id: ZERO_ID })],
    ["three items", b64(["2026-01-01T00:00:00.000Z", ZERO_ID, 1])],
    ["base64 with padding", `${b64(["2026-01-01T00:00:00.000Z", ZERO_ID])}==`],
    ["not base64 at all", "%%%"],
    ["a NUL", "%00"],
    ["invalid UTF-8", "%FF%FE"],
  ])("%s", async (_name, cursor) => {
    const response = await t.asAlice(`/v1/todos?cursor=${cursor}`);
    const error = await expectContractError(response, 400, "REQUEST_PARAMETER_INVALID");
    expect(error.details).toEqual([{ field: "cursor", issue: "invalid_value" }]);
  });

  test.each([
    ["600 characters", `cursor=${"A".repeat(600)}`, { issue: "too_long", max: 512 }],
    ["twice", "cursor=a&cursor=b", { issue: "invalid_type", expected: "string" }],
    ["empty", "cursor=", { issue: "too_short", min: 1 }],
  ])("a cursor %s", async (_name, query, detail) => {
    const error = await expectContractError(
      await t.asAlice(`/v1/todos?${query}`),
      400,
      "REQUEST_PARAMETER_INVALID",
    );
    expect(error.details).toEqual([{ field: "cursor", ...detail }]);
  });

  test.each([
    "limit=%00",
    "limit=%FF%FE",
    "limit=1e1",
    "limit=-1",
    "limit=%E0%A4%A",
    "limit=1".padEnd(400, "0"),
  ])("?%s is 400 on limit", async (query) => {
    const error = await expectContractError(
      await t.asAlice(`/v1/todos?${query}`),
      400,
      "REQUEST_PARAMETER_INVALID",
    );
    expect((error.details as { field?: string }[])[0]?.field).toBe("limit");
  });
});

describe("If-Match that names no version: 400 on If-Match, the todo unchanged", () => {
  test.each([
    "*",
    '"1", "2"',
    'W/"abc"',
    '"0"',
    '"-1"',
    '""',
    "1",
    '"99999999999"',
    '"1"; DROP TABLE todos',
    `"${"9".repeat(10_000)}"`,
  ])("%s", async (ifMatch) => {
    for (const init of [
      jsonRequest("PATCH", { title: "overwritten" }, { "If-Match": ifMatch }),
      { method: "DELETE", headers: { "If-Match": ifMatch } },
    ]) {
      const response = await t.asAlice(`/v1/todos/${t.existing.id}`, init);
      const error = await expectContractError(response, 400, "REQUEST_PARAMETER_INVALID");
      expect(error.details).toEqual([
        { field: "If-Match", issue: "invalid_format", format: "entity_tag" },
      ]);
      expect(JSON.stringify(error)).not.toContain("DROP");
    }
  });
});

describe("an X-Request-Id that is not safe is never reflected", () => {
  test.each([
    ["10 KB", "r".repeat(10_000)],
    ["129 characters", "r".repeat(129)],
    ["markup", "<script>alert(1)</script>"],
    ["a space", "req 42"],
    ["a path", "../../etc/passwd"],
    ["a quote", 'req"42'],
    ["non-ASCII", "r\u00e9q"],
  ])("%s: the trace id instead, on errors and successes", async (_name, requestId) => {
    const headers = { "X-Request-Id": requestId };
    const missing = await t.asAlice(`/v1/todos/${ZERO_ID}`, { headers });
    const error = await expectContractError(missing, 404, "RESOURCE_NOT_FOUND");
    expect(missing.headers.get("X-Request-Id")).toBe(error.traceId);
    const listed = await t.asAlice("/v1/todos", { headers });
    expect(listed.status).toBe(200);
    expect(listed.headers.get("X-Request-Id")).toBe(
      listed.headers.get("traceresponse")?.split("-")[1],
    );
    expect(JSON.stringify(error)).not.toContain(requestId);
  });
});

describe("unknown methods and tricky paths", () => {
  test.each([
    ["BREW", "/v1/todos", 405, "METHOD_NOT_ALLOWED"],
    ["PROPFIND", `/v1/todos/${ZERO_ID}`, 405, "METHOD_NOT_ALLOWED"],
    ["brew", "/v1/todos", 405, "METHOD_NOT_ALLOWED"],
    ["PUT", "/v1/todos", 405, "METHOD_NOT_ALLOWED"],
    ["BREW", "/v1/coffee-pot", 404, "RESOURCE_NOT_FOUND"],
    ["GET", "/v1/todos/..%2F..%2Fetc%2Fpasswd", 404, "RESOURCE_NOT_FOUND"],
    ["GET", "/v1/todos%2F42", 404, "RESOURCE_NOT_FOUND"],
    ["GET", "/v1/todos/%2e%2e/%2e%2e/etc/passwd", 404, "RESOURCE_NOT_FOUND"],
    ["GET", "/v1/../../etc/passwd", 404, "RESOURCE_NOT_FOUND"],
    ["DELETE", "/v1/todos/%00", 404, "RESOURCE_NOT_FOUND"],
    ["GET", "/v1/todos/%C3%28", 404, "RESOURCE_NOT_FOUND"],
    ["PATCH", `/v1/todos/${ZERO_ID}%0A`, 404, "RESOURCE_NOT_FOUND"],
    ["GET", `/v1/${"a/".repeat(5_000)}`, 404, "RESOURCE_NOT_FOUND"],
  ] as const)("%s %s: %i %s", async (method, path, status, errorCode: ErrorCode) => {
    const response = await t.asAlice(path, { method });
    const error = await expectContractError(response, status, errorCode);
    expect(error.method).toBe(method);
    expect(error.path).not.toMatch(/\p{Cc}/u);
    if (status === 405) expect(response.headers.get("Allow")).toContain("GET");
  });

  test("the path is reported as sent, percent-encoded, never decoded into control characters", async () => {
    const error = await expectContractError(
      await t.asAlice("/v1/nope/%00%0A%1B[31m"),
      404,
      "RESOURCE_NOT_FOUND",
    );
    expect(error.path).toBe("/v1/nope/%00%0A%1B[31m");
  });
});
