import { SpanKind, trace } from "@opentelemetry/api";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningHttpServer, startHttpServer } from "./http-server.ts";
import { useInMemoryTracing } from "./in-memory-tracing.ts";
import type { RequestRejection } from "./request-rejection.ts";
import { sendRaw } from "./testing.ts";

// The transport of rejections: which requests reach the responder, with what, and how its
// response goes out. What the response says is the contract's (rejection-response.test.ts).

const { exporter } = useInMemoryTracing();
const seen: RequestRejection[] = [];
const warnings: Record<string, unknown>[] = [];

// A stand-in for rejectionResponse: echoes what it was told, under the active span's trace.
function respond(rejection: RequestRejection): Response {
  seen.push(rejection);
  const traceId = trace.getActiveSpan()?.spanContext().traceId ?? "none";
  const { reason, method, path } = rejection;
  return Response.json(
    { reason, method, path, language: rejection.headers.get("accept-language") },
    { status: 400, headers: { traceresponse: `00-${traceId}-${"1".repeat(16)}-01` } },
  );
}

function createApp(): Hono {
  return new Hono()
    .get("/items/:id", (c) => c.text(c.req.param("id")))
    .get("/thrown", () => {
      // Not an Error: Hono's error handler lets it through, out of app.fetch.
      throw "not an Error";
    });
}

let running: RunningHttpServer;
beforeAll(async () => {
  const logger = {
    info: () => {},
    warn: (event: string, fields?: Record<string, unknown>) => warnings.push({ event, ...fields }),
    error: () => {},
  };
  running = await startHttpServer({
    app: createApp(),
    port: 0,
    signals: [],
    logger,
    respondToRejection: respond,
  });
});
afterAll(() => running?.shutdown());

describe("startHttpServer({ respondToRejection })", () => {
  it("writes the responder's answer for a request the parser refused, then closes", async () => {
    const exchange = await sendRaw(running.port, "GET /items/\x7f1 HTTP/1.1\r\nHost: x\r\n\r\n");
    expect(exchange).toMatchObject({ status: 400, closedByServer: true });
    expect(exchange.headers).toMatchObject({
      connection: "close",
      "content-type": "application/json",
    });
    expect(JSON.parse(exchange.body)).toEqual({
      reason: "invalid_path",
      method: "GET",
      path: "/items/%7F1",
      language: null,
    });
    expect(Number(exchange.headers["content-length"])).toBe(Buffer.byteLength(exchange.body));
  });

  it("traces the refusal in a server span of its own, the trace of the answer and the log", async () => {
    exporter.reset();
    const exchange = await sendRaw(running.port, "PATCH /pot HTTP/1.1\r\nBad Header: 1\r\n\r\n");
    const traceId = exchange.headers.traceresponse?.split("-")[1];
    const [span] = exporter.getFinishedSpans();
    expect(span).toMatchObject({ name: "PATCH", kind: SpanKind.SERVER });
    expect(span?.spanContext().traceId).toBe(traceId);
    expect(span?.attributes).toMatchObject({
      "error.type": "HPE_INVALID_HEADER_TOKEN",
      "http.request.method": "PATCH",
      "http.response.status_code": 400,
    });
    expect(warnings.at(-1)).toMatchObject({
      event: "http.request_rejected",
      reason: "invalid_header",
      http: { method: "PATCH", status: 400 },
      traceId,
    });
  });

  it("asks once per connection, however many chunks the parser goes on refusing", async () => {
    const before = seen.length;
    const big = `GET /items/1 HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(200_000)}\r\n\r\n`;
    const exchange = await sendRaw(running.port, big);
    expect(exchange.status).toBe(400);
    expect(seen.slice(before)).toEqual([
      expect.objectContaining({ reason: "headers_too_large", maxHeaderBytes: 16_384 }),
    ]);
  });

  it("hands over the headers of a request @hono/node-server refused for its Host", async () => {
    const exchange = await sendRaw(
      running.port,
      "GET /items/1 HTTP/1.1\r\nHost: a b\r\nAccept-Language: fr\r\n\r\n",
    );
    expect(exchange.headers.connection).toBe("close");
    expect(JSON.parse(exchange.body)).toEqual({
      reason: "invalid_header",
      method: "GET",
      path: "/items/1",
      language: "fr",
    });
    expect(seen.at(-1)?.header).toBe("host");
  });

  it("answers through the responder too when the app fails without answering", async () => {
    const before = warnings.length;
    const exchange = await sendRaw(running.port, "GET /thrown HTTP/1.1\r\nHost: x\r\n\r\n");
    expect(JSON.parse(exchange.body)).toMatchObject({ reason: "unhandled_error", path: "/thrown" });
    // Not a rejection: nothing is logged as one.
    expect(warnings.length).toBe(before);
  });

  it("serves an HTTP/1.0 request without Host, which that version does not require", async () => {
    const exchange = await sendRaw(running.port, "GET /items/7 HTTP/1.0\r\n\r\n");
    expect(exchange).toMatchObject({ status: 200, body: "7" });
  });

  it("serves a request whose Expect it does not know, rather than a bare 417", async () => {
    const exchange = await sendRaw(
      running.port,
      "GET /items/8 HTTP/1.1\r\nHost: x\r\nExpect: 200-ok\r\nConnection: close\r\n\r\n",
    );
    expect(exchange).toMatchObject({ status: 200, body: "8" });
  });

  it("still serves well-formed requests", async () => {
    const exchange = await sendRaw(
      running.port,
      "GET /items/42 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    expect(exchange).toMatchObject({ status: 200, body: "42" });
  });
});
