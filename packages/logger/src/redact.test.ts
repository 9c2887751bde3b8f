import { describe, expect, it } from "vitest";
import { redact } from "./redact.ts";
import { redactString } from "./redact-string.ts";

const JWT =
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTEifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

describe("redact: sensitive keys at any depth", () => {
  it.each([
    ["authorization", { authorization: "Basic dXNlcjpwYXNz" }],
    ["Authorization (case)", { Authorization: "anything" }],
    ["cookie", { cookie: "session=abc" }],
    ["set-cookie array", { "set-cookie": ["a=1", "b=2"] }],
    ["password", { password: "hunter2" }],
    ["passwd", { passwd: "hunter2" }],
    ["secret", { secret: "s3cr3t" }],
    ["client_secret", { client_secret: "s3cr3t" }],
    ["token", { token: "t0k3n" }],
    ["access_token", { access_token: "t0k3n" }],
    ["refreshToken", { refreshToken: "t0k3n" }],
    ["tokens", { tokens: ["t1", "t2"] }],
    ["accessTokens", { accessTokens: { a: "t1" } }],
    ["refresh_tokens", { refresh_tokens: ["t1"] }],
    ["X-Session-Tokens", { "X-Session-Tokens": "t1,t2" }],
    ["api key", { "api key": "k3y" }],
    ["api_key", { api_key: "k3y" }],
    ["apiKey", { apiKey: "k3y" }],
    ["X-API-Key", { "X-API-Key": "k3y" }],
    ["an object under a sensitive key", { password: { current: "a", next: "b" } }],
    ["pwd", { pwd: "hunter2" }],
    ["pass", { pass: "hunter2" }],
    ["passphrase", { passphrase: "correct horse" }],
    ["credentials", { credentials: "alice:hunter2" }],
    ["jwt", { jwt: "opaque" }],
  ])("%s", (_name, input) => {
    const [key] = Object.keys(input);
    expect(redact(input)).toEqual({ [key as string]: "[REDACTED]" });
  });

  it("answers the same after more distinct keys than it remembers", () => {
    const many = Object.fromEntries(Array.from({ length: 1_500 }, (_, i) => [`field${i}`, i]));
    expect(redact({ ...many, password: "p1" })).toEqual({ ...many, password: "[REDACTED]" });
    expect(redact({ password: "p2", name: "ada" })).toEqual({
      password: "[REDACTED]",
      name: "ada",
    });
  });

  it("redacts nested objects, arrays and headers objects, keeping the rest", () => {
    const input = {
      request: {
        headers: { "content-type": "application/json", Cookie: "sid=1", "x-api-key": "k" },
        users: [
          { name: "ada", password: "p1" },
          { name: "bob", credentials: { token: "t" } },
        ],
      },
      tokenCount: 3,
      tokensUsed: 12,
    };
    expect(redact(input)).toEqual({
      request: {
        headers: {
          "content-type": "application/json",
          Cookie: "[REDACTED]",
          "x-api-key": "[REDACTED]",
        },
        users: [
          { name: "ada", password: "[REDACTED]" },
          { name: "bob", credentials: "[REDACTED]" },
        ],
      },
      tokenCount: 3,
      tokensUsed: 12,
    });
  });

  it("redacts fetch Headers and Maps by their entries", () => {
    const headers = new Headers({ Authorization: "Bearer abc", Accept: "text/plain" });
    const map = new Map<string, unknown>([
      ["refresh_token", "r"],
      ["user", "ada"],
    ]);
    expect(redact({ headers, map })).toEqual({
      headers: { accept: "text/plain", authorization: "[REDACTED]" },
      map: { refresh_token: "[REDACTED]", user: "ada" },
    });
  });

  it("survives cycles and keeps repeated (non-cyclic) references", () => {
    const shared = { id: 1 };
    const node: Record<string, unknown> = { shared, again: shared, list: [] };
    node.self = node;
    (node.list as unknown[]).push(node, shared);
    expect(redact(node)).toEqual({
      shared: { id: 1 },
      again: { id: 1 },
      list: ["[Circular]", { id: 1 }],
      self: "[Circular]",
    });
  });

  it("makes values JSON-safe: bigint, Date, URL, undefined fields, functions", () => {
    const input = {
      big: 10n,
      at: new Date("2025-01-02T03:04:05.000Z"),
      url: new URL("https://ada:pw@example.com/x"),
      gone: undefined,
      fn: () => 1,
    };
    expect(redact(input)).toStrictEqual({
      big: "10",
      at: "2025-01-02T03:04:05.000Z",
      url: "https://[REDACTED]@example.com/x",
    });
  });
});

describe("redact: secrets inside strings", () => {
  it.each([
    [
      "a bearer token",
      "sent Authorization: Bearer abc.DEF-123_x~+/== to auth",
      "sent Authorization: Bearer [REDACTED] to auth",
    ],
    ["a lower-case bearer", "bearer abc123", "Bearer [REDACTED]"],
    ["a JWT", `token was ${JWT}, rejected`, "token was [REDACTED], rejected"],
    ["a JWT with an empty signature", "eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.", "[REDACTED]"],
    [
      "URL credentials",
      "connect postgres://app:s3cret@db:5432/todos failed",
      "connect postgres://[REDACTED]@db:5432/todos failed",
    ],
    [
      "a token in the query",
      "GET https://x.test/cb?code=1&access_token=abc&state=2",
      "GET https://x.test/cb?code=1&access_token=[REDACTED]&state=2",
    ],
    [
      "nothing secret",
      "todo 42 created by user-1 at https://example.com/a@b",
      "todo 42 created by user-1 at https://example.com/a@b",
    ],
    ["an upper-case BEARER", "BEARER abc123", "Bearer [REDACTED]"],
    [
      "every kind in one string",
      `BEARER abc at postgres://app:pw@db/todos?token=t1 with ${JWT}`,
      "Bearer [REDACTED] at postgres://[REDACTED]@db/todos?token=[REDACTED] with [REDACTED]",
    ],
    [
      "URL credentials whose password has an @",
      "connect postgres://app:Pa@ss-w0rd@db:5432/todos failed",
      "connect postgres://[REDACTED]@db:5432/todos failed",
    ],
    [
      "an Authorization header with Basic credentials",
      "upstream said: Authorization: Basic YWxpY2U6aHVudGVyMg==\nnext line",
      "upstream said: Authorization: Basic [REDACTED]\nnext line",
    ],
    [
      "a Cookie header",
      "request headers: Cookie: session=s3cr3t; other=1",
      "request headers: Cookie: [REDACTED]",
    ],
    [
      "a JSON body's password",
      'bad JSON: {"username":"alice","password":"hun\\"ter2"}',
      'bad JSON: {"username":"alice","password":"[REDACTED]"}',
    ],
    [
      "a form body, its first parameter a password",
      "password=hunter2&user=alice",
      "password=[REDACTED]&user=alice",
    ],
    [
      "parameters named for a credential, not only the usual ones",
      "GET /chaos?chaos_token=abc&X-Amz-Signature=s1&sig=s2&tokenCount=3&keyboard=1",
      "GET /chaos?chaos_token=[REDACTED]&X-Amz-Signature=[REDACTED]&sig=[REDACTED]&tokenCount=3&keyboard=1",
    ],
    // What only looks like one stays as it is.
    [
      "ordinary words next to a credential's names",
      "cache miss key=todo:42 auth=degraded; invalid authorization: expected Bearer, got Basic",
      "cache miss key=todo:42 auth=degraded; invalid authorization: expected Bearer, got Basic",
    ],
    [
      "a stack frame after a header name at the end of a line",
      "TypeError: no Set-Cookie:\n    at parse (file:///app/src/cookies.ts:1:2)",
      "TypeError: no Set-Cookie:\n    at parse (file:///app/src/cookies.ts:1:2)",
    ],
    ["the working directory", "OLDPWD=/tmp PWD=/app", "OLDPWD=/tmp PWD=/app"],
    [
      "a stack trace whose paths have an @ (pnpm)",
      "Error: x\n    at f (file:///app/node_modules/.pnpm/hono@4.13.0/node_modules/hono/dist/a.js:1:2)",
      "Error: x\n    at f (file:///app/node_modules/.pnpm/hono@4.13.0/node_modules/hono/dist/a.js:1:2)",
    ],
  ])("%s", (_name, input, expected) => {
    expect(redactString(input)).toBe(expected);
  });

  it("applies to strings at any depth, in arrays too", () => {
    expect(redact({ a: [{ b: `Bearer ${JWT}` }, JWT] })).toEqual({
      a: [{ b: "Bearer [REDACTED]" }, "[REDACTED]"],
    });
  });
});

describe("redact: errors", () => {
  it("turns an Error into name, message and stack, all redacted, with code and cause", () => {
    const cause = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    const error = new TypeError(`upstream said no to Bearer ${JWT}`, { cause });
    const result = redact({ error }) as { error: Record<string, unknown> };
    expect(result.error).toMatchObject({
      name: "TypeError",
      message: "upstream said no to Bearer [REDACTED]",
      cause: { name: "Error", message: "connect ECONNREFUSED", code: "ECONNREFUSED" },
    });
    expect(result.error.stack).toMatch(
      /^TypeError: upstream said no to Bearer \[REDACTED\]\n\s+at /,
    );
    expect(JSON.stringify(result)).not.toContain(JWT.slice(0, 20));
  });

  it("drops stacks, the error's and its causes', when asked to", () => {
    const cause = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    const error = new Error("Connection terminated unexpectedly", { cause });
    const result = redact({ error }, { stacks: false });
    expect(result).toEqual({
      error: {
        name: "Error",
        message: "Connection terminated unexpectedly",
        cause: { name: "Error", message: "connect ECONNREFUSED", code: "ECONNREFUSED" },
      },
    });
  });

  it("handles an error that is its own cause", () => {
    const error = new Error("loop");
    error.cause = error;
    expect(redact(error)).toMatchObject({ name: "Error", message: "loop", cause: "[Circular]" });
  });
});
