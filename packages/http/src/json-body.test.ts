import { request as httpRequest, type IncomingMessage } from "node:http";
import { expectErrorContract } from "@tracemesh/errors/testing";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type RunningHttpServer, startHttpServer } from "./http-server.ts";
import { jsonBody } from "./json-body.ts";
import { notFound } from "./not-found.ts";
import { onError } from "./on-error.ts";

function createApp(): Hono {
  const app = new Hono();
  app.onError(onError);
  app.notFound(notFound({ app }));
  app.post("/echo", jsonBody({ maxBytes: 1024 }), async (c) => {
    const text = await c.req.text();
    return c.json({ received: text === "" ? null : JSON.parse(text) });
  });
  app.post("/any", jsonBody({ objectOnly: false }), async (c) =>
    c.json({ received: await c.req.json() }),
  );
  app.post("/broken", jsonBody(), () => {
    throw new TypeError("the route's own bug");
  });
  return app;
}

const app = createApp();
const JSON_TYPE = { "Content-Type": "application/json" };

function post(
  body: RequestInit["body"],
  headers: Record<string, string> = JSON_TYPE,
  path = "/echo",
) {
  return app.request(path, { method: "POST", body, headers });
}

describe("jsonBody()", () => {
  test("passes JSON objects through, readable again by the handler", async () => {
    const response = await post(JSON.stringify({ title: "été" }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: { title: "été" } });
  });

  test("accepts application/*+json and charset parameters", async () => {
    for (const type of [
      "application/merge-patch+json",
      "application/json; charset=utf-8",
      "Application/JSON",
    ]) {
      expect((await post("{}", { "Content-Type": type })).status).toBe(200);
    }
  });

  test("415 for another content type, naming the expected one", async () => {
    for (const type of [
      "text/plain",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
      "application/jsonx",
    ]) {
      const body = await expectErrorContract(await post("{}", { "Content-Type": type }), {
        status: 415,
        errorCode: "UNSUPPORTED_MEDIA_TYPE",
      });
      expect(body.details).toEqual([
        { type: "header", name: "content-type", expected: "application/json" },
      ]);
    }
  });

  test("415 for a body without a content type; a bodiless POST passes", async () => {
    const untyped = await app.request("/echo", {
      method: "POST",
      body: new Uint8Array([123, 125]),
    });
    await expectErrorContract(untyped, { status: 415, errorCode: "UNSUPPORTED_MEDIA_TYPE" });
    // Through a real server every POST has a body stream, empty when nothing was sent.
    const empty = await app.request("/echo", { method: "POST", body: new Uint8Array(0) });
    expect(await empty.json()).toEqual({ received: null });
  });

  test("413 past maxBytes, with the limit in details, whether the length is declared or streamed", async () => {
    const big = JSON.stringify({ title: "x".repeat(2000) });
    const declared = await post(big, { ...JSON_TYPE, "Content-Length": String(big.length) });
    const body = await expectErrorContract(declared, {
      status: 413,
      errorCode: "PAYLOAD_TOO_LARGE",
    });
    expect(body.details).toEqual([{ type: "body", maxBytes: 1024 }]);
    const stream = new Blob([big]).stream();
    const streamed = await app.request("/echo", {
      method: "POST",
      body: stream,
      headers: JSON_TYPE,
      duplex: "half",
    } as RequestInit);
    await expectErrorContract(streamed, { status: 413, errorCode: "PAYLOAD_TOO_LARGE" });
  });

  test.each([
    ["truncated", '{"title":'],
    ["empty", ""],
    ["trailing garbage", "{} {}"],
    ["single quotes", "{'a':1}"],
    ["raw control character in a string", '{"a":"\u0001"}'],
  ])("400 REQUEST_BODY_INVALID for %s JSON", async (_name, text) => {
    const body = await expectErrorContract(await post(text), {
      status: 400,
      errorCode: "REQUEST_BODY_INVALID",
    });
    expect(body.details).toEqual([{ type: "body", issue: "malformed_json" }]);
  });

  test("400 REQUEST_BODY_INVALID for bytes that are not UTF-8", async () => {
    const bytes = new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]);
    const body = await expectErrorContract(await post(bytes), {
      status: 400,
      errorCode: "REQUEST_BODY_INVALID",
    });
    expect(body.details).toEqual([{ type: "body", issue: "invalid_utf8" }]);
  });

  test.each(["[]", "[1,2]", "42", '"text"', "null", "true"])(
    "%s parses but is not an object: 400 invalid_type",
    async (text) => {
      const body = await expectErrorContract(await post(text), {
        status: 400,
        errorCode: "REQUEST_PARAMETER_INVALID",
      });
      expect(body.details).toEqual([{ issue: "invalid_type", expected: "object" }]);
    },
  );

  test.each([
    ['{"title":"\\ud800x"}', "title"],
    ['{"a":{"b":["ok","\\udc00"]}}', "a.b.1"],
    ['{"a":{"\\udbff":1}}', "a"],
    ['{"\\ud800":1}', undefined],
  ])("a lone surrogate in %s is 400 not_well_formed at %s", async (text, field) => {
    const body = await expectErrorContract(await post(text), {
      status: 400,
      errorCode: "REQUEST_PARAMETER_INVALID",
    });
    expect(body.details).toEqual([{ ...(field && { field }), issue: "not_well_formed" }]);
  });

  test("a surrogate pair is well-formed, and any value may hold the lone one", async () => {
    const pair = await post('{"title":"\\ud83d\\ude00"}');
    expect(await pair.json()).toEqual({ received: { title: "😀" } });
    const root = await post('"\\ud800"', JSON_TYPE, "/any");
    const body = await expectErrorContract(root, {
      status: 400,
      errorCode: "REQUEST_PARAMETER_INVALID",
    });
    expect(body.details).toEqual([{ issue: "not_well_formed" }]);
  });

  test("a body stream that breaks off is 400 REQUEST_BODY_INVALID unreadable, never a 500", async () => {
    for (const headers of [JSON_TYPE, { ...JSON_TYPE, "Content-Length": "40" }]) {
      const stream = new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"title":'));
          controller.error(new Error("aborted"));
        },
      });
      const response = await app.request("/echo", {
        method: "POST",
        body: stream,
        headers,
        duplex: "half",
      } as RequestInit);
      const body = await expectErrorContract(response, {
        status: 400,
        errorCode: "REQUEST_BODY_INVALID",
      });
      expect(body.details).toEqual([{ type: "body", issue: "unreadable" }]);
    }
  });

  test("a body of declared length is read without asking for the request's body stream", async () => {
    // On Node, asking for it builds a web Request and streams: @hono/node-server reads a body it
    // is not asked for straight from the socket.
    const text = '{"title":"fast"}';
    const request = new Request("http://localhost/echo", {
      method: "POST",
      body: text,
      headers: { ...JSON_TYPE, "Content-Length": String(text.length) },
    });
    const stream = request.body;
    let asked = false;
    Object.defineProperty(request, "body", {
      get() {
        asked = true;
        return stream;
      },
    });
    const response = await app.request(request);
    expect(await response.json()).toEqual({ received: { title: "fast" } });
    expect(asked).toBe(false);
  });

  test("what fails once the body is read stays the route's own error", async () => {
    const response = await post("{}", JSON_TYPE, "/broken");
    await expectErrorContract(response, { status: 500, errorCode: "INTERNAL_ERROR" });
  });

  test("objectOnly: false lets other JSON values through", async () => {
    const response = await post("[1,2]", JSON_TYPE, "/any");
    expect(await response.json()).toEqual({ received: [1, 2] });
  });
});

// What a client sends over a socket, through @hono/node-server as the services run: a declared
// body is read straight from the socket, a chunked one streamed and counted.
describe("jsonBody() behind Node's HTTP server", () => {
  let server: RunningHttpServer;
  beforeAll(async () => {
    const quiet = { info() {}, warn() {}, error() {} };
    server = await startHttpServer({ app: createApp(), port: 0, signals: [], logger: quiet });
  });
  afterAll(() => server.shutdown());

  /** Sends the headers and `chunks`; ends the request unless `end` is false. */
  function send(
    headers: Record<string, string>,
    chunks: string[],
    end = true,
  ): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        { port: server.port, host: "127.0.0.1", method: "POST", path: "/echo", headers },
        (res: IncomingMessage) => {
          let body = "";
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => {
            body += chunk;
          });
          res.on("end", () => {
            resolve({ status: res.statusCode ?? 0, body });
            req.destroy();
          });
        },
      );
      req.on("error", reject);
      for (const chunk of chunks) req.write(chunk);
      if (end) req.end();
    });
  }

  test("a declared JSON body is read once and readable again by the route", async () => {
    const text = JSON.stringify({ title: "über" });
    const declared = { ...JSON_TYPE, "Content-Length": String(Buffer.byteLength(text)) };
    const answer = await send(declared, [text]);
    expect(answer).toEqual({ status: 200, body: JSON.stringify({ received: { title: "über" } }) });
  });

  test("a declared length over maxBytes is refused before the body is sent", async () => {
    // Only 10 of the 5000 bytes go out, and the request never ends: the answer comes anyway.
    const answer = await send({ ...JSON_TYPE, "Content-Length": "5000" }, ['{"title":"'], false);
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ errorCode: "PAYLOAD_TOO_LARGE" });
  });

  test("a chunked body is counted as it streams: within the limit it passes, past it 413", async () => {
    const chunked = { ...JSON_TYPE, "Transfer-Encoding": "chunked" };
    const within = await send(chunked, ['{"title":', '"chunked"}']);
    expect(within).toEqual({
      status: 200,
      body: JSON.stringify({ received: { title: "chunked" } }),
    });
    const past = await send(chunked, ['{"title":"', "x".repeat(600), "x".repeat(600), '"}']);
    expect(past.status).toBe(413);
  });

  test("an empty POST without a type has no body; with the JSON type it is malformed", async () => {
    expect(await send({ "Content-Length": "0" }, [])).toEqual({
      status: 200,
      body: JSON.stringify({ received: null }),
    });
    const typed = await send({ ...JSON_TYPE, "Content-Length": "0" }, []);
    expect(typed.status).toBe(400);
    expect(JSON.parse(typed.body)).toMatchObject({ errorCode: "REQUEST_BODY_INVALID" });
  });
});
