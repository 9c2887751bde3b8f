import { context, propagation, ROOT_CONTEXT, trace } from "@opentelemetry/api";
import { parseCloudEvent } from "@tracemesh/queue";
import { useTestTelemetry } from "@tracemesh/queue/testing";
import { describe, expect, test } from "vitest";
import { todoEvent } from "./todo-event.ts";

useTestTelemetry();

const todo = {
  id: "0b9f5e0c-5d1e-4a6b-9c39-1f2e3d4c5b6a",
  title: "ship the outbox",
  completed: true,
  version: 3,
  createdAt: new Date("2026-11-25T10:00:00.000Z"),
  updatedAt: new Date("2026-11-25T10:05:00.250Z"),
};

describe("todoEvent", () => {
  test("created and updated carry the todo as it is now, on their subjects", () => {
    for (const type of ["todo.created", "todo.updated"] as const) {
      const record = todoEvent(type, { ...todo, ownerId: "user-7" });
      expect(record.id).toBe(record.event.id);
      expect(record.subject).toBe(
        type === "todo.created" ? "todo.events.created" : "todo.events.updated",
      );
      expect(record.event).toMatchObject({
        specversion: "1.0",
        type,
        source: "/todo-api",
        subject: todo.id,
        time: "2026-11-25T10:05:00.250Z",
      });
      expect(record.event.data).toEqual({
        id: todo.id,
        title: "ship the outbox",
        completed: true,
        version: 3,
        ownerId: "user-7",
        createdAt: "2026-11-25T10:00:00.000Z",
        updatedAt: "2026-11-25T10:05:00.250Z",
      });
      // What the notifier will parse off the wire.
      expect(parseCloudEvent(JSON.stringify(record.event))).toEqual(record.event);
    }
  });

  test("deleted carries only which todo, whose, and its version", () => {
    const record = todoEvent("todo.deleted", { id: todo.id, version: 4, ownerId: "user-7" });
    expect(record.subject).toBe("todo.events.deleted");
    expect(record.event.data).toEqual({ id: todo.id, version: 4, ownerId: "user-7" });
    expect(todoEvent("todo.deleted", { ...todo }).event.data).toEqual({ id: todo.id, version: 3 });
  });

  test("a todo without an owner has no ownerId; each event has its own id", () => {
    const first = todoEvent("todo.updated", { ...todo, ownerId: null });
    const second = todoEvent("todo.updated", todo);
    expect(first.event.data).not.toHaveProperty("ownerId");
    expect(second.event.data).not.toHaveProperty("ownerId");
    expect(first.id).not.toBe(second.id);
  });

  test("the subject prefix follows the stream's", () => {
    expect(todoEvent("todo.created", todo, { subjectPrefix: "staging.todo" }).subject).toBe(
      "staging.todo.created",
    );
  });

  test("it keeps the trace and baggage of the request that made the change", () => {
    const baggage = propagation.createBaggage({ tenant: { value: "acme" } });
    const requestContext = propagation.setBaggage(ROOT_CONTEXT, baggage);
    const { record, spanContext } = context.with(requestContext, () =>
      trace.getTracer("test").startActiveSpan("POST /v1/todos", (span) => {
        const made = todoEvent("todo.created", todo);
        span.end();
        return { record: made, spanContext: span.spanContext() };
      }),
    );
    expect(record.traceparent).toBe(`00-${spanContext.traceId}-${spanContext.spanId}-01`);
    expect(record.baggage).toBe("tenant=acme");
  });

  test("outside any request there is no trace to keep", () => {
    const record = todoEvent("todo.created", todo, { ctx: ROOT_CONTEXT });
    expect(record).not.toHaveProperty("traceparent");
    expect(record).not.toHaveProperty("baggage");
  });
});
