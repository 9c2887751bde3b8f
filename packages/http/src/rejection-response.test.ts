import { once } from "node:events";
import type { Socket } from "node:net";
import type { ErrorBody, ErrorCode } from "@tracemesh/errors";
import { expectContractHeaders, expectErrorContract } from "@tracemesh/errors/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type RunningHttpServer, startHttpServer } from "./http-server.ts";
import { rejectionResponse } from "./rejection-response.ts";
import { createTestApp } from "./test-utils.ts";
import { type RawExchange, sendRaw, toResponse } from "./testing.ts";

// The requests no route ever sees, sent byte for byte to a real server: Node's parser or
// @hono/node-server refuses them, and rejectionResponse answers them in the contract.

let running: RunningHttpServer;
const rejected: Record<string, unknown>[] = [];
beforeAll(async () => {
  const record = (event: string, fields?: Record<string, unknown>) =>
    rejected.push({ event, ...fields });
  running = await startHttpServer({
    app: createTestApp(),
    port: 0,
    signals: [],
    // No respondToRejection: rejectionResponse is what a service's server answers with.
    logger: { info: () => {}, warn: record, error: record },
  });
});
afterAll(() => running?.shutdown());

async function expectRejected(
  exchange: RawExchange,
  status: number,
  errorCode: ErrorCode,
): Promise<ErrorBody> {
  const response = toResponse(exchange);
  const body = await expectErrorContract(response, { status, errorCode });
  expectContractHeaders(response, body);
  expect(exchange.headers.connection).toBe("close");
  expect(exchange.closedByServer).toBe(true);
  return body;
}

const CHUNKED_POST =
  "POST /todos HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n" +
  "Transfer-Encoding: chunked\r\n\r\n";

describe("requests Node's HTTP parser refuses", () => {
  test.each([
    [
      "a control byte in the path",
      "GET /todos\x01x?limit=1 HTTP/1.1\r\nHost: localhost\r\n\r\n",
      400,
      "REQUEST_PARAMETER_INVALID",
      { method: "GET", path: "/todos%01x", details: [{ type: "path", issue: "invalid_value" }] },
    ],
    [
      "a header name with a space",
      "GET /todos HTTP/1.1\r\nHost: localhost\r\nBad Header: 1\r\n\r\n",
      400,
      "REQUEST_PARAMETER_INVALID",
      { method: "GET", path: "/todos", details: [{ type: "header", issue: "invalid_value" }] },
    ],
    [
      "a chunk size that is not hex",
      `${CHUNKED_POST}zz\r\n{}\r\n0\r\n\r\n`,
      400,
      "REQUEST_BODY_INVALID",
      { method: "POST", path: "/todos", details: [{ type: "body", issue: "invalid_framing" }] },
    ],
    [
      "Content-Length next to chunked (request smuggling)",
      "POST /todos HTTP/1.1\r\nHost: localhost\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
      400,
      "REQUEST_BODY_INVALID",
      { details: [{ type: "body", issue: "invalid_framing" }] },
    ],
    [
      "a 100 KB header",
      `GET /todos HTTP/1.1\r\nHost: localhost\r\nX-Big: ${"a".repeat(100_000)}\r\n\r\n`,
      431,
      "REQUEST_HEADERS_TOO_LARGE",
      { method: "GET", path: "/todos", details: [{ type: "header", maxBytes: 16_384 }] },
    ],
    [
      "a TLS hello on the plain port",
      "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",
      400,
      "REQUEST_PARAMETER_INVALID",
      { method: "", path: "", details: [{ type: "request", issue: "malformed_http" }] },
    ],
  ] as const)("%s", async (_name, bytes, status, errorCode, expected) => {
    const body = await expectRejected(await sendRaw(running.port, bytes), status, errorCode);
    expect(body).toMatchObject(expected);
    expect(rejected.at(-1)).toMatchObject({
      event: "http.request_rejected",
      http: { status },
      traceId: body.traceId,
    });
  });

  test("headers that never finish: 408 REQUEST_TIMEOUT, retryable", async () => {
    const connected = once(running.server, "connection") as Promise<[Socket]>;
    const exchange = sendRaw(running.port, "GET /todos HTTP/1.1\r\nHost: local");
    const [socket] = await connected;
    // What Node emits once headersTimeout has run out (it checks every 30 s: too slow to wait).
    const timeout = Object.assign(new Error("Request timeout"), {
      code: "ERR_HTTP_REQUEST_TIMEOUT",
    });
    running.server.emit("clientError", timeout, socket);
    const body = await expectRejected(await exchange, 408, "REQUEST_TIMEOUT");
    expect(body).toMatchObject({ method: "", path: "", retryable: true });
  });
});

test("an app that failed without answering gets INTERNAL_ERROR, nothing of its failure shown", async () => {
  const response = await rejectionResponse({
    reason: "unhandled_error",
    method: "GET",
    path: "/error",
    headers: new Headers({ "Accept-Language": "fr" }),
    maxHeaderBytes: 16_384,
  });
  const body = await expectErrorContract(response, { status: 500, errorCode: "INTERNAL_ERROR" });
  expectContractHeaders(response, body);
  expect(body).toMatchObject({ path: "/error", method: "GET" });
  expect(response.headers.get("content-language")).toBe("fr");
});

describe("requests @hono/node-server cannot make a URL of", () => {
  const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

  test("a Host that is no authority: 400 on the header, negotiated like any error", async () => {
    const exchange = await sendRaw(
      running.port,
      "GET /todos?limit=1 HTTP/1.1\r\nHost: a b\r\nAccept-Language: fr\r\n" +
        "Accept: application/problem+json\r\nX-Request-Id: <script>alert(1)</script>\r\n\r\n",
    );
    const body = await expectRejected(exchange, 400, "REQUEST_PARAMETER_INVALID");
    expect(exchange.headers["content-type"]).toBe("application/problem+json");
    expect(exchange.headers["content-language"]).toBe("fr");
    expect(body).toMatchObject({
      path: "/todos",
      method: "GET",
      details: [{ type: "header", name: "host", issue: "invalid_value" }],
    });
    expect(JSON.stringify(exchange)).not.toContain("script");
  });

  test("its trace is the caller's, and a safe X-Request-Id is echoed", async () => {
    const exchange = await sendRaw(
      running.port,
      `DELETE /todos/1 HTTP/1.1\r\nHost: a b\r\nX-Request-Id: req-42\r\n` +
        `traceparent: 00-${TRACE_ID}-00f067aa0ba902b7-01\r\n\r\n`,
    );
    const response = toResponse(exchange);
    const body = await expectErrorContract(response, {
      status: 400,
      errorCode: "REQUEST_PARAMETER_INVALID",
    });
    expectContractHeaders(response, body, "req-42");
    expect(body).toMatchObject({ traceId: TRACE_ID, method: "DELETE", path: "/todos/1" });
  });

  test.each([
    ["no Host at all", "GET /todos HTTP/1.1\r\n\r\n", { type: "header", name: "host" }],
    ["a backslash in the path", "GET /a\\b HTTP/1.1\r\nHost: localhost\r\n\r\n", { type: "path" }],
  ])("%s: 400 on %o", async (_name, bytes, detail) => {
    const body = await expectRejected(
      await sendRaw(running.port, bytes),
      400,
      "REQUEST_PARAMETER_INVALID",
    );
    expect(body.details).toEqual([{ ...detail, issue: "invalid_value" }]);
  });
});
