import { context, ROOT_CONTEXT, TraceFlags, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureLogger } from "./testing.ts";

const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
const SPAN_ID = "00f067aa0ba902b7";

describe("createLogger", () => {
  it("writes one JSON object per line with the standard fields first", async () => {
    const { logger, lines, raw } = captureLogger({ service: "todo-api" });
    logger.info("todo.created", { todoId: "t-1", requestId: "req-1" });
    logger.warn("todo.slow", { durationMs: 12.5 });
    const [first, second] = await lines();
    expect(raw().split("\n")).toHaveLength(3);
    expect(Object.keys(first ?? {})).toEqual([
      "timestamp",
      "level",
      "service",
      "event",
      "requestId",
      "todoId",
    ]);
    expect(first).toMatchObject({ level: "info", service: "todo-api", event: "todo.created" });
    expect(new Date(String(first?.timestamp)).toISOString()).toBe(first?.timestamp);
    expect(second).toMatchObject({ level: "warn", event: "todo.slow", durationMs: 12.5 });
  });

  it("honours the level", async () => {
    const { logger, lines } = captureLogger({ level: "warn" });
    logger.info("ignored");
    logger.error("kept");
    expect((await lines()).map((line) => line.event)).toEqual(["kept"]);
  });

  it("takes traceId and spanId from metadata (a request's child logger) with no active span", async () => {
    const { logger, lines } = captureLogger();
    logger.child({ traceId: TRACE_ID, spanId: SPAN_ID, requestId: "r-1" }).info("queue.published");
    expect((await lines())[0]).toMatchObject({
      traceId: TRACE_ID,
      spanId: SPAN_ID,
      requestId: "r-1",
    });
  });

  it("redacts fields and never lets them replace the standard ones", async () => {
    const { logger, lines } = captureLogger({ service: "auth" });
    logger.info("auth.login", {
      user: { name: "ada", password: "hunter2" },
      headers: { authorization: "Bearer abc" },
      service: "spoofed",
      level: "error",
    });
    const [line] = await lines();
    expect(line).toMatchObject({
      service: "auth",
      level: "info",
      user: { name: "ada", password: "[REDACTED]" },
      headers: { authorization: "[REDACTED]" },
    });
  });

  it("serialises errors given as a field, stack included", async () => {
    const { logger, lines } = captureLogger();
    logger.error("outbox.relay_failed", { error: new RangeError("Division by zero") });
    const [line] = await lines();
    expect(line?.error).toMatchObject({ name: "RangeError", message: "Division by zero" });
    expect(line?.error).toHaveProperty("stack", expect.stringContaining("create-logger.test.ts"));
  });

  it("keeps stacks to error lines: a warn about a dependency has its error's name and message", async () => {
    const { logger, lines, raw } = captureLogger();
    const cause = Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" });
    const error = new Error("Connection terminated unexpectedly", { cause });
    logger.warn("database.idle_connection_failed", { error });
    logger.info("nats.reconnected", { lastError: new TypeError("socket hang up") });
    const [warn, info] = await lines();
    expect(warn?.error).toEqual({
      name: "Error",
      message: "Connection terminated unexpectedly",
      cause: { name: "Error", message: "read ECONNRESET", code: "ECONNRESET" },
    });
    expect(info?.lastError).toEqual({ name: "TypeError", message: "socket hang up" });
    expect(raw()).not.toMatch(/\bat |create-logger\.test\.ts/);
  });
});

describe("createLogger inside an active span", () => {
  const manager = new AsyncLocalStorageContextManager().enable();
  beforeAll(() => context.setGlobalContextManager(manager));
  afterAll(() => context.disable());

  const spanContext = { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: TraceFlags.SAMPLED };
  const inSpan = trace.setSpan(ROOT_CONTEXT, trace.wrapSpanContext(spanContext));

  it("takes traceId and spanId from the active span, over the metadata", async () => {
    const { logger, lines } = captureLogger();
    const child = logger.child({ traceId: "f".repeat(32), spanId: "e".repeat(16) });
    context.with(inSpan, () => {
      child.info("todo.created");
      logger.info("todo.listed");
    });
    child.info("outside.span");
    const [inside, plain, outside] = await lines();
    expect(inside).toMatchObject({ traceId: TRACE_ID, spanId: SPAN_ID });
    expect(plain).toMatchObject({ traceId: TRACE_ID, spanId: SPAN_ID });
    expect(outside).toMatchObject({ traceId: "f".repeat(32), spanId: "e".repeat(16) });
  });

  it("keeps every line of a burst in its own span", async () => {
    const { logger, lines } = captureLogger();
    context.with(inSpan, () => {
      for (let i = 0; i < 50; i += 1) logger.info("burst", { i });
    });
    const written = await lines();
    expect(written).toHaveLength(50);
    expect(written.every((line) => line.traceId === TRACE_ID)).toBe(true);
  });

  it("prefers ids the OpenTelemetry winston instrumentation injected, in camelCase only", async () => {
    const { logger, lines } = captureLogger();
    logger.info("todo.created", { trace_id: TRACE_ID, span_id: SPAN_ID, trace_flags: "01" });
    const [line] = await lines();
    expect(line).toMatchObject({ traceId: TRACE_ID, spanId: SPAN_ID });
    expect(line).not.toHaveProperty("trace_id");
    expect(line).not.toHaveProperty("trace_flags");
  });
});
