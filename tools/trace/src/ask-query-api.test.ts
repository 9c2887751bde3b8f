import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { freePort } from "@tracemesh/testing";
import { afterEach, describe, expect, test } from "vitest";
import { askQueryApi, explainMiss, type QueryAnswer } from "./ask-query-api.ts";

const TRACE_ID = "1d7db70aa67b2ad8bcb2340f059d523e";

const servers: Server[] = [];
const requested: string[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((r) => server.close(r))));
});

/** A server that answers every request with `status`, `body` and its content type. */
async function answering(status: number, body: string, contentType = "application/json") {
  const server = createServer((request, response) => {
    requested.push(request.url ?? "");
    response.writeHead(status, { "content-type": contentType }).end(body);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const oneSpan = {
  result: {
    resourceSpans: [
      {
        resource: { attributes: [{ key: "service.name", value: { stringValue: "todo-api" } }] },
        scopeSpans: [
          {
            spans: [
              {
                traceId: TRACE_ID,
                spanId: "4f73ccfad74b2c8f",
                name: "GET /error",
                kind: 2,
                startTimeUnixNano: "1",
                endTimeUnixNano: "2",
              },
            ],
          },
        ],
      },
    ],
  },
};

describe("asking a query API for a trace", () => {
  test("the trace's spans", async () => {
    const baseUrl = await answering(200, JSON.stringify(oneSpan));
    expect(await askQueryApi(TRACE_ID, baseUrl)).toMatchObject({
      kind: "found",
      spans: [{ spanId: "4f73ccfad74b2c8f", serviceName: "todo-api" }],
    });
  });

  test("a base URL with a path (a Jaeger under a base path) keeps it", async () => {
    const baseUrl = await answering(200, JSON.stringify(oneSpan));
    requested.length = 0;
    await askQueryApi(TRACE_ID, `${baseUrl}/jaeger/`);
    expect(requested).toEqual([`/jaeger/api/v3/traces/${TRACE_ID}`]);
  });

  test("Jaeger's 404 with its error body: not found", async () => {
    const baseUrl = await answering(
      404,
      JSON.stringify({ error: { httpCode: 404, message: "trace not found" } }),
    );
    expect(await askQueryApi(TRACE_ID, baseUrl)).toEqual({ baseUrl, kind: "not found" });
  });

  test("a 404 of a server that is no query API: failed, and says so", async () => {
    const baseUrl = await answering(404, "404 page not found", "text/plain");
    expect(await askQueryApi(TRACE_ID, baseUrl)).toEqual({
      baseUrl,
      kind: "failed",
      reason: `/api/v3/traces/${TRACE_ID} answered 404 (not a Jaeger query API v3?)`,
    });
  });

  test("an error the backend explains: failed, with its message", async () => {
    const baseUrl = await answering(
      500,
      JSON.stringify({ error: { httpCode: 500, message: "storage unavailable" } }),
    );
    expect(await askQueryApi(TRACE_ID, baseUrl)).toMatchObject({
      kind: "failed",
      reason: expect.stringMatching(/answered 500: storage unavailable$/),
    });
  });

  test("Jaeger's error body without a message: failed, with the status alone", async () => {
    const baseUrl = await answering(503, JSON.stringify({ error: { httpCode: 503 } }));
    expect(await askQueryApi(TRACE_ID, baseUrl)).toMatchObject({
      kind: "failed",
      reason: `/api/v3/traces/${TRACE_ID} answered 503`,
    });
  });

  test("JSON that is no OTLP trace: failed, saying so", async () => {
    const baseUrl = await answering(200, "null");
    expect(await askQueryApi(TRACE_ID, baseUrl)).toMatchObject({
      kind: "failed",
      reason: expect.stringContaining("answered no OTLP trace"),
    });
  });

  test("nothing listening: unreachable", async () => {
    const baseUrl = `http://127.0.0.1:${await freePort()}`;
    expect(await askQueryApi(TRACE_ID, baseUrl)).toEqual({
      baseUrl,
      kind: "unreachable",
      reason: "nothing answers",
    });
  });

  test("unreachable for another reason than nothing listening: says which", async () => {
    // https:// to a plain HTTP server: something answers, not in TLS.
    const plain = await answering(200, JSON.stringify(oneSpan));
    const baseUrl = plain.replace("http://", "https://");
    expect(await askQueryApi(TRACE_ID, baseUrl)).toEqual({
      baseUrl,
      kind: "unreachable",
      reason: expect.stringMatching(/^unreachable: ERR_SSL_/),
    });
  });
});

describe("explaining a trace found nowhere", () => {
  const jaeger = "http://127.0.0.1:16686";
  const sink = "http://127.0.0.1:4318";

  test("not found where an API answered: try again, whatever did not answer", () => {
    const answers: QueryAnswer[] = [
      { baseUrl: jaeger, kind: "unreachable", reason: "nothing answers" },
      { baseUrl: sink, kind: "not found" },
    ];
    expect(explainMiss(TRACE_ID, answers)).toBe(
      `trace ${TRACE_ID} not found at ${sink} (spans are exported every few seconds: try again; a backend keeps only its latest traces)`,
    );
  });

  test("nothing answered: start a backend, or name one", () => {
    const answers: QueryAnswer[] = [
      { baseUrl: jaeger, kind: "unreachable", reason: "nothing answers" },
      { baseUrl: sink, kind: "unreachable", reason: "no answer within 5 s" },
    ];
    expect(explainMiss(TRACE_ID, answers)).toBe(
      `no trace query API answered at ${jaeger} (nothing answers), ${sink} (no answer within 5 s): start Jaeger or the local sink (pnpm demo), or point TRACE_QUERY_URL at one`,
    );
  });

  test("a backend's failure is shown as it is, never as nothing running", () => {
    const answers: QueryAnswer[] = [
      {
        baseUrl: jaeger,
        kind: "failed",
        reason: "/api/v3/traces/x answered 500: storage unavailable",
      },
      { baseUrl: sink, kind: "unreachable", reason: "nothing answers" },
    ];
    expect(explainMiss(TRACE_ID, answers)).toBe(
      `${jaeger}: /api/v3/traces/x answered 500: storage unavailable`,
    );
  });
});
