import { ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import { describe, expect, it } from "vitest";
import { createSinkApp } from "./app.ts";
import type { JaegerErrorResponse, JaegerTracesResponse } from "./jaeger-query-routes.ts";
import { createSpanStore } from "./span-store.ts";
import {
  CHILD_SPAN_ID,
  otlpJsonRequest,
  ROOT_SPAN_ID,
  sdkSpans,
  TRACE_ID,
  traceIdOf,
} from "./test-utils.ts";

async function setup() {
  const store = createSpanStore();
  const app = createSinkApp(store);
  const response = await app.request("/v1/traces", {
    method: "POST",
    body: new Uint8Array(ProtobufTraceSerializer.serializeRequest(sdkSpans()) ?? []),
    headers: { "content-type": "application/x-protobuf" },
  });
  expect(response.status).toBe(200);
  return { store, app };
}

describe("GET /api/v3/traces/:traceId", () => {
  it("answers the trace as Jaeger's GetTrace does: { result: TracesData } in OTLP/JSON with hex ids", async () => {
    const { app } = await setup();

    const response = await app.request(`/api/v3/traces/${TRACE_ID}`);

    expect(response.status).toBe(200);
    const body = (await response.json()) as JaegerTracesResponse;
    expect(Object.keys(body)).toEqual(["result"]);
    expect(body.result.resourceSpans).toHaveLength(1);
    const [resourceSpans] = body.result.resourceSpans;
    expect(resourceSpans?.resource?.attributes).toContainEqual({
      key: "service.name",
      value: { stringValue: "todo-api" },
    });
    const [scopeSpans] = resourceSpans?.scopeSpans ?? [];
    expect(scopeSpans?.scope).toEqual({ name: "@tracemesh/test", version: "0.1.0" });
    const [root, child] = scopeSpans?.spans ?? [];
    expect(root).toMatchObject({
      traceId: TRACE_ID,
      spanId: ROOT_SPAN_ID,
      name: "GET /v1/todos/:id",
      kind: 2,
      startTimeUnixNano: "1700000000000000001",
      endTimeUnixNano: "1700000000005000001",
    });
    expect(root).not.toHaveProperty("parentSpanId");
    expect(child).toMatchObject({
      spanId: CHILD_SPAN_ID,
      parentSpanId: ROOT_SPAN_ID,
      kind: 3,
      status: { code: 2, message: "upstream timed out" },
    });
    expect(child?.attributes).toContainEqual({ key: "retry.count", value: { intValue: "2" } });
  });

  it("finds the trace by an upper-case id", async () => {
    const { app } = await setup();

    const response = await app.request(`/api/v3/traces/${TRACE_ID.toUpperCase()}`);

    expect(response.status).toBe(200);
  });

  it("answers 404 with Jaeger's error body for an unknown trace", async () => {
    const { app } = await setup();

    const response = await app.request(`/api/v3/traces/${traceIdOf(1)}`);

    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { httpCode: 404, message: "trace not found" } });
  });

  it("answers 400 for an id that is not hex", async () => {
    const { app } = await setup();

    const response = await app.request("/api/v3/traces/not-a-trace");

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { httpCode: 400, message: expect.stringMatching(/trace_id/) },
    });
  });
});

describe("GET /api/v3/services", () => {
  it("lists the services that sent spans", async () => {
    const { store, app } = await setup();
    store.add(
      otlpJsonRequest({ traceId: traceIdOf(1), spanId: ROOT_SPAN_ID, service: "auth" })
        .resourceSpans,
    );

    const response = await app.request("/api/v3/services");

    expect(await response.json()).toEqual({ services: ["auth", "todo-api"] });
  });
});

describe("GET /api/v3/traces", () => {
  async function withTraces() {
    const { store, app } = await setup();
    for (const [n, service, name, start, statusCode] of [
      [1, "auth", "authorize", "2023-11-14T22:13:21Z", 2],
      [2, "auth", "profile", "2023-11-14T22:13:22Z", 0],
      [3, "notifier", "deliver", "2023-11-14T22:13:23Z", 1],
    ] as const) {
      const startTimeUnixNano = String(BigInt(Date.parse(start)) * 1_000_000n);
      store.add(
        otlpJsonRequest({
          traceId: traceIdOf(n),
          spanId: ROOT_SPAN_ID,
          service,
          name,
          startTimeUnixNano,
          statusCode,
          attributes: { "http.route": `/${name}` },
        }).resourceSpans,
      );
    }
    const find = async (query: string) => {
      const response = await app.request(`/api/v3/traces?${query}`);
      const body = (await response.json()) as JaegerTracesResponse & JaegerErrorResponse;
      const traceIds = response.ok
        ? body.result.resourceSpans.flatMap((rs) =>
            (rs.scopeSpans ?? []).flatMap((ss) => (ss.spans ?? []).map((span) => span.traceId)),
          )
        : [];
      return { status: response.status, body, traceIds: [...new Set(traceIds)] };
    };
    return { find };
  }

  it("finds the traces of a service, the most recent first", async () => {
    const { find } = await withTraces();

    expect((await find("query.service_name=auth")).traceIds).toEqual([traceIdOf(2), traceIdOf(1)]);
  });

  it("filters by operation, start time and count", async () => {
    const { find } = await withTraces();

    expect((await find("query.service_name=auth&query.operation_name=authorize")).traceIds).toEqual(
      [traceIdOf(1)],
    );
    expect(
      (
        await find(
          "query.start_time_min=2023-11-14T22:13:21.5Z&query.start_time_max=2023-11-14T22:13:22.5Z",
        )
      ).traceIds,
    ).toEqual([traceIdOf(2)]);
    expect((await find("query.service_name=auth&query.num_traces=1")).traceIds).toEqual([
      traceIdOf(2),
    ]);
  });

  it("filters by attributes, error meaning the span's status as in Jaeger", async () => {
    const { find } = await withTraces();
    const attributes = (value: object) =>
      `query.attributes=${encodeURIComponent(JSON.stringify(value))}`;

    // The setup's own trace has a failed client span too.
    expect((await find(attributes({ error: "true" }))).traceIds).toEqual([traceIdOf(1), TRACE_ID]);
    expect((await find(attributes({ error: "false" }))).traceIds).toEqual([traceIdOf(3)]);
    expect(
      (await find(`query.service_name=auth&${attributes({ "http.route": "/profile" })}`)).traceIds,
    ).toEqual([traceIdOf(2)]);
    expect((await find(attributes({ error: "true", "http.route": "/profile" }))).status).toBe(404);
  });

  it("answers 404 when nothing matches, as Jaeger does", async () => {
    const { find } = await withTraces();

    const { status, body } = await find("query.service_name=billing");

    expect(status).toBe(404);
    expect(body).toEqual({ error: { httpCode: 404, message: "No traces found" } });
  });

  it.each([
    "query.start_time_min=yesterday",
    "query.num_traces=0",
    "query.num_traces=many",
    "query.attributes=error",
    `query.attributes=${encodeURIComponent('{"error":true}')}`,
  ])("answers 400 to %s", async (query) => {
    const { find } = await withTraces();

    const { status, body } = await find(query);

    expect(status).toBe(400);
    expect(body.error.message).toMatch(/^malformed parameter query\./);
  });
});

describe("GET /trace/:traceId", () => {
  it("draws the trace as text, where Jaeger's UI shows it", async () => {
    const { app } = await setup();

    const response = await app.request(`/trace/${TRACE_ID}`);

    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(text).toContain(`trace ${TRACE_ID} · 2 spans · 1 service · `);
    expect(text).toContain("todo-api: GET /v1/todos/:id [server]");
    expect(text).toContain("todo-api: POST /v1/authorize [client] ERROR");
  });

  it("answers 404 for a trace it does not have", async () => {
    const { app } = await setup();

    expect((await app.request(`/trace/${traceIdOf(7)}`)).status).toBe(404);
    expect((await app.request("/trace/not-hex")).status).toBe(404);
  });
});
