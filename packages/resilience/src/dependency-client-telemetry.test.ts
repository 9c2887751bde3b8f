import { context, createContextKey, ROOT_CONTEXT, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { freePort, RecordingSpan, recordingMeter, waitFor } from "@tracemesh/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createDeadline } from "./deadline.ts";
import { createDependencyClient } from "./dependency-client.ts";
import {
  clientFactory,
  failureOf,
  hang,
  reply,
  sequence,
  slow,
  upstreamPerTest,
} from "./test-utils.ts";

const upstream = upstreamPerTest();

const contextManager = new AsyncLocalStorageContextManager().enable();
beforeAll(() => {
  context.setGlobalContextManager(contextManager);
});
afterAll(() => {
  context.disable();
});

const client = clientFactory(upstream, {
  timeouts: { attemptMs: 300, totalMs: 5_000 },
  retry: { maxAttempts: 1 },
  breaker: { consecutiveFailures: 2, halfOpenAfterMs: 10_000 },
});

const get = (c: ReturnType<typeof client>, deadlineMs = 5_000) =>
  c.request({ method: "GET", path: "/", deadline: createDeadline(deadlineMs) });

describe("metrics", () => {
  test("attempt latency per outcome, retries, and rejections by reason", async () => {
    const recording = recordingMeter();
    const c = client({
      meter: recording.meter,
      retry: { maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 5 },
      breaker: { consecutiveFailures: 3, halfOpenAfterMs: 10_000 },
    });
    upstream.behave(sequence(reply(500), reply(200, {}), hang, reply(404)));
    await get(c);
    await failureOf(c.request({ method: "POST", path: "/", deadline: createDeadline(5_000) }));
    await failureOf(get(c));
    await failureOf(get(c, 50));

    const duration = "tracemesh.dependency.attempt.duration";
    expect(
      recording.measurements.filter((m) => m.name === duration).map((m) => m.attributes),
    ).toEqual([
      { dependency: "auth", outcome: "server_error" },
      { dependency: "auth", outcome: "success" },
      { dependency: "auth", outcome: "timeout" },
      { dependency: "auth", outcome: "client_error" },
    ]);
    const timeoutSeconds =
      recording.measurements.find((m) => m.attributes.outcome === "timeout")?.value ?? 0;
    expect(timeoutSeconds).toBeGreaterThan(0.25);
    expect(timeoutSeconds).toBeLessThan(5);
    expect(recording.total("tracemesh.dependency.retries", { dependency: "auth" })).toBe(1);
    expect(recording.total("tracemesh.dependency.rejections", { reason: "budget_exhausted" })).toBe(
      1,
    );
  });

  test("connection failures are an outcome; an open breaker and a full bulkhead are rejections", async () => {
    const recording = recordingMeter();
    const refused = createDependencyClient({
      name: "auth",
      baseUrl: `http://127.0.0.1:${await freePort()}`,
      retry: { maxAttempts: 1 },
      breaker: { consecutiveFailures: 1 },
      meter: recording.meter,
    });
    await failureOf(get(refused));
    await failureOf(get(refused));
    expect(
      recording.total("tracemesh.dependency.attempt.duration", { outcome: "connection_error" }),
    ).toBeGreaterThan(0);
    expect(recording.total("tracemesh.dependency.rejections", { reason: "breaker_open" })).toBe(1);

    upstream.behave(slow(300, reply(200, {})));
    const crowded = client({
      meter: recording.meter,
      bulkhead: { limit: 1, queue: 0 },
      timeouts: { attemptMs: 5_000 },
    });
    const running = get(crowded);
    await failureOf(get(crowded));
    await running;
    expect(recording.total("tracemesh.dependency.rejections", { reason: "bulkhead_full" })).toBe(1);
  });

  test("the breaker state gauge reads 0 closed, 2 open, 1 half-open", async () => {
    const recording = recordingMeter();
    upstream.behave(reply(500));
    const c = client({
      meter: recording.meter,
      breaker: { consecutiveFailures: 1, halfOpenAfterMs: 200 },
    });
    const gauge = () => recording.observe().map((m) => [m.value, m.attributes.dependency]);
    expect(gauge()).toEqual([[0, "auth"]]);
    await failureOf(get(c));
    expect(gauge()).toEqual([[2, "auth"]]);
    upstream.behave(hang);
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Its wait is over: the next call will be a trial, though none came yet.
    expect(c.breakerState()).toBe("open");
    expect(gauge()).toEqual([[1, "auth"]]);
    const trial = failureOf(get(c));
    // The trial is at the upstream, which hangs: the breaker is half-open until it fails.
    await waitFor(() => upstream.hits.length === 2, "the trial call to reach the upstream");
    expect(gauge()).toEqual([[1, "auth"]]);
    await trial;
    expect(gauge()).toEqual([[2, "auth"]]);
  });
});

describe("trace context", () => {
  test("a breaker state change is an event on the caller's active span", async () => {
    upstream.behave(reply(503));
    const c = client({ breaker: { consecutiveFailures: 1, halfOpenAfterMs: 10_000 } });
    const span = new RecordingSpan();
    await context.with(trace.setSpan(ROOT_CONTEXT, span), () => failureOf(get(c)));
    expect(span.events).toEqual([
      {
        name: "dependency.breaker.state_change",
        attributes: {
          "dependency.name": "auth",
          "breaker.previous_state": "closed",
          "breaker.state": "open",
        },
      },
    ]);
  });

  test("every attempt runs in its caller's context, retries and queued calls included", async () => {
    const caller = createContextKey("caller");
    const seen: unknown[] = [];
    const c = client({
      bulkhead: { limit: 1, queue: 5 },
      retry: { maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 5 },
      timeouts: { attemptMs: 2_000 },
      fetch: (input, init) => {
        seen.push(context.active().getValue(caller));
        return fetch(input, init);
      },
    });
    upstream.behave(sequence(slow(200, reply(500)), reply(200, {}), reply(200, {})));
    await Promise.all(
      ["first", "second"].map((name) =>
        context.with(ROOT_CONTEXT.setValue(caller, name), () => get(c)),
      ),
    );
    // "first" fails once and is retried while "second" waits in the bulkhead queue.
    expect(seen).toEqual(["first", "first", "second"]);
  });
});
