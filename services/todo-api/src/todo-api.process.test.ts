import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type FlatSpan, startOtlpSink } from "@tracemesh/otlp-sink";
import {
  descendants,
  freePort,
  killAll,
  loginTo,
  startListeningService,
  startService,
  traceExportEnv,
} from "@tracemesh/testing";
import pg from "pg";
import { afterEach, describe, expect, test } from "vitest";
import { TEST_DATABASE_URL } from "./test-utils.ts";

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  await killAll();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A sink, a real auth and todo-api asking it; resolves with alice's token too. */
async function startWithSink(env: Record<string, string>) {
  const sink = await startOtlpSink();
  cleanups.push(() => sink.close());
  const auth = await startListeningService("auth", traceExportEnv(sink));
  const api = await startListeningService("todo-api", {
    ...traceExportEnv(sink),
    AUTH_URL: auth.url,
    ...env,
  });
  const token = await loginTo(auth.url, "alice");
  return { ...api, sink, authorization: `Bearer ${token}` };
}

function traceparent(): { header: string; traceId: string; parentId: string } {
  const traceId = randomBytes(16).toString("hex");
  const parentId = randomBytes(8).toString("hex");
  return { header: `00-${traceId}-${parentId}-01`, traceId, parentId };
}

/** The database spans below `server` (the auth call is a client span too). */
function databaseSpans(spans: FlatSpan[]): FlatSpan[] {
  return spans.filter((span) => span.kind === "CLIENT" && span.attributes["db.system.name"]);
}

const UNKNOWN_ID = "6a1f3c2e-9b4d-4e8f-a7c6-5d4e3f2a1b0c";

describe("todo-api as a process", () => {
  test("PGlite: traced CRUD, the /error incident end to end, metrics, SIGTERM exits 0", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "todo-api-process-"));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const api = await startWithSink({
      DATA_DIR: join(dataDir, "db"),
      CHAOS_ENABLED: "true",
      CHAOS_TOKEN: "todo-api-process-chaos-token",
    });

    const create = traceparent();
    const created = await fetch(`${api.url}/v1/todos`, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        traceparent: create.header,
        Authorization: api.authorization,
      },
      body: JSON.stringify({ title: "trace me" }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const read = traceparent();
    const fetched = await fetch(`${api.url}/v1/todos/${id}`, {
      headers: { traceparent: read.header, Authorization: api.authorization },
    });
    expect(fetched.status).toBe(200);

    for (const [request, name, operation] of [
      [create, "POST /v1/todos", "INSERT todos"],
      [read, "GET /v1/todos/:id", "SELECT todos"],
    ] as const) {
      const [server] = await api.sink.waitForSpans(
        (span) =>
          span.traceId === request.traceId &&
          span.kind === "SERVER" &&
          span.serviceName === "todo-api",
        10_000,
      );
      expect(server).toMatchObject({
        name,
        serviceName: "todo-api",
        parentSpanId: request.parentId,
      });
      expect(server?.attributes["http.route"]).toBe(name.split(" ")[1]);
      await api.sink.waitForSpans(
        (span) => span.traceId === request.traceId && Boolean(span.attributes["db.system.name"]),
      );
      const database = databaseSpans(descendants(api.sink, server as FlatSpan));
      expect(database.map((span) => span.name)).toContain(operation);
      expect(database[0]?.attributes).toMatchObject({
        "db.system.name": "postgresql",
        "db.query.text": expect.stringMatching(/todos/),
      });
    }

    // Errors of several categories, no traceparent sent: the trace is the server's own, and
    // the body, the traceresponse header and the exported server span all name it.
    const json = { "Content-Type": "application/json", Authorization: api.authorization };
    const categories = [
      [400, "GET /v1/todos", "/v1/todos?limit=0", { headers: json }],
      [401, "GET /v1/todos", "/v1/todos", {}],
      [404, "GET /v1/todos/:id", `/v1/todos/${UNKNOWN_ID}`, { headers: json }],
      [405, "PUT", `/v1/todos/${id}`, { method: "PUT", headers: json }],
      [
        412,
        "PATCH /v1/todos/:id",
        `/v1/todos/${id}`,
        { method: "PATCH", headers: { ...json, "If-Match": '"7"' }, body: '{"title":"x"}' },
      ],
    ] as const;
    const answered = await Promise.all(
      categories.map(async ([status, spanName, path, init]) => {
        const response = await fetch(`${api.url}${path}`, init);
        expect(response.status).toBe(status);
        const { traceId } = (await response.json()) as { traceId: string };
        const [, headerTraceId, headerSpanId] =
          response.headers.get("traceresponse")?.split("-") ?? [];
        expect(headerTraceId).toBe(traceId);
        return { traceId, spanId: headerSpanId, spanName };
      }),
    );
    for (const { traceId, spanId, spanName } of answered) {
      const [server] = await api.sink.waitForSpans(
        // auth's server span (the authorize call) is in the same trace: todo-api's is the one.
        (span) =>
          span.traceId === traceId && span.kind === "SERVER" && span.serviceName === "todo-api",
        10_000,
      );
      expect(server).toMatchObject({ spanId, name: spanName });
      expect(server?.attributes["http.route"]).toBe(spanName.split(" ")[1]);
    }

    const failed = await fetch(`${api.url}/error`);
    expect(failed.status).toBe(500);
    const body = (await failed.json()) as { errorCode: string; traceId: string };
    expect(body.errorCode).toBe("INTERNAL_ERROR");
    expect(failed.headers.get("traceresponse")?.split("-")[1]).toBe(body.traceId);
    const logged = await api.waitForLine("http.request", (line) => line.traceId === body.traceId);
    expect(logged).toMatchObject({ level: "error", errorCode: "INTERNAL_ERROR" });
    expect((logged.error as { stack?: string }).stack).toMatch(/RangeError: Division by zero/);
    const [span] = await api.sink.waitForSpans(
      (s) => s.traceId === body.traceId && s.kind === "SERVER",
      10_000,
    );
    expect(span).toMatchObject({ name: "GET /error", status: { code: "ERROR" } });
    expect(span?.attributes["chaos.fault"]).toBe("division_by_zero");

    const metrics = await (await fetch(`http://127.0.0.1:${api.metricsPort}/metrics`)).text();
    expect(metrics).toMatch(
      /^http_server_request_duration_count\{[^}]*http_route="\/v1\/todos"[^}]*http_response_status_code="201"[^}]*\} 1$/m,
    );
    expect(metrics).toMatch(/^tracemesh_errors_total\{[^}]*error_code="INTERNAL_ERROR"[^}]*\} 1$/m);

    expect(await api.stop()).toEqual([0, null]);
    expect(api.lines.map((line) => line.event)).toContain("server.shutdown_completed");
  }, 120_000);

  test("PostgreSQL: the pg instrumentation traces the queries", async () => {
    const schema = `todo_api_process_${randomBytes(6).toString("hex")}`;
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    cleanups.push(async () => {
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.end();
    });
    await admin.query(`CREATE SCHEMA ${schema}`);
    const url = new URL(TEST_DATABASE_URL);
    url.searchParams.set("options", `-c search_path=${schema}`);
    const api = await startWithSink({ DATABASE_URL: url.href });

    const request = traceparent();
    const created = await fetch(`${api.url}/v1/todos`, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        traceparent: request.header,
        Authorization: api.authorization,
      },
      body: JSON.stringify({ title: "stored in postgres" }),
    });
    expect(created.status).toBe(201);
    const rows = await admin.query(`SELECT title FROM ${schema}.todos`);
    expect(rows.rows).toEqual([{ title: "stored in postgres" }]);

    const [server] = await api.sink.waitForSpans(
      (span) =>
        span.traceId === request.traceId &&
        span.kind === "SERVER" &&
        span.serviceName === "todo-api",
      10_000,
    );
    await api.sink.waitForSpans(
      (span) => span.traceId === request.traceId && Boolean(span.attributes["db.system.name"]),
    );
    const database = databaseSpans(descendants(api.sink, server as FlatSpan));
    expect(database.map((span) => span.scopeName)).toContain("@opentelemetry/instrumentation-pg");
    expect(JSON.stringify(database.map((span) => span.attributes))).toMatch(/INSERT INTO todos/);

    expect(await api.stop()).toEqual([0, null]);
  }, 120_000);

  test("a bad variable: one fatal line naming it, exit 1", async () => {
    const started = startService("todo-api", { OTEL_SDK_DISABLED: "true", PORT: "eighty" });
    expect(await started.exited).toEqual([1, null]);
    expect(started.lines).toEqual([
      expect.objectContaining({ level: "fatal", event: "config.invalid", variable: "PORT" }),
    ]);
  });

  test("a DATABASE_URL that never answers: start-up retries, then exit 1 without leaking it", async () => {
    const started = startService("todo-api", {
      OTEL_SDK_DISABLED: "true",
      DATABASE_URL: `postgres://postgres:s3cret-pw@127.0.0.1:${await freePort()}/test`,
      PORT: String(await freePort()),
    });
    expect(await started.exited).toEqual([1, null]);
    const { lines } = started;
    const events = lines.map((line) => line.event);
    expect(events.filter((event) => event === "database.waiting")).toHaveLength(9);
    expect(events.at(-1)).toBe("todo-api.start_failed");
    expect(JSON.stringify(lines)).not.toContain("s3cret-pw");
  }, 60_000);
});
