import { describe, expect, it } from "vitest";
import {
  assertCloudEvent,
  createCloudEvent,
  MalformedEventError,
  parseCloudEvent,
} from "./cloud-event.ts";
import { eventSubject } from "./topology.ts";

const base = { type: "todo.created", source: "/todo-api", data: { todoId: "42" } } as const;

describe("CloudEvents envelope", () => {
  it("builds a CloudEvents 1.0 JSON event with a uuid id and an ISO time", () => {
    const event = createCloudEvent({ ...base, subject: "todos/42" });
    expect(event).toMatchObject({
      specversion: "1.0",
      type: "todo.created",
      source: "/todo-api",
      subject: "todos/42",
      datacontenttype: "application/json",
      data: { todoId: "42" },
    });
    expect(event.id).toMatch(/^[\da-f]{8}-[\da-f]{4}-4[\da-f]{3}-[\da-f]{4}-[\da-f]{12}$/);
    expect(new Date(event.time).toISOString()).toBe(event.time);
  });

  it("parses what it builds, the tracing extension included", () => {
    const event = {
      ...createCloudEvent(base),
      traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      tracestate: "vendor=1",
    };
    expect(parseCloudEvent(JSON.stringify(event))).toEqual(event);
    expect(parseCloudEvent(new TextEncoder().encode(JSON.stringify(event)))).toEqual(event);
  });

  it.each([
    ["not JSON", "{oops", "body is not JSON"],
    [
      "an unknown type",
      JSON.stringify({ ...createCloudEvent(base), type: "todo.exploded" }),
      "type",
    ],
    ["a non-uuid id", JSON.stringify({ ...createCloudEvent(base), id: "42" }), "id"],
    [
      "another spec version",
      JSON.stringify({ ...createCloudEvent(base), specversion: "0.3" }),
      "specversion",
    ],
    ["no data", JSON.stringify({ ...createCloudEvent(base), data: undefined }), "data"],
    [
      "a bad traceparent",
      JSON.stringify({ ...createCloudEvent(base), traceparent: "00-xyz" }),
      "traceparent",
    ],
  ])("rejects %s with MalformedEventError", (_, body, issue) => {
    expect(() => parseCloudEvent(body)).toThrow(MalformedEventError);
    expect(() => parseCloudEvent(body)).toThrow(issue);
  });

  it("refuses to build an event with an empty source", () => {
    expect(() => createCloudEvent({ ...base, source: "" })).toThrow(MalformedEventError);
    expect(() => assertCloudEvent({})).toThrow(/specversion/);
    expect(() => createCloudEvent({ ...base, data: undefined })).toThrow("data is required");
  });

  it("maps event types onto subjects of the stream", () => {
    expect(eventSubject("todo.created")).toBe("todo.events.created");
    expect(eventSubject("todo.deleted", "t1.events")).toBe("t1.events.deleted");
  });
});
