import type { ServerResponse } from "node:http";
import { DependencyError, onError } from "@tracemesh/errors";
import { recordingMeter, waitFor } from "@tracemesh/testing";
import { Hono } from "hono";
import { describe, expect, test } from "vitest";
import { createDeadline } from "./deadline.ts";
import { deadline } from "./deadline-middleware.ts";
import { type Behaviour, clientFactory, failureOf, reply, upstreamPerTest } from "./test-utils.ts";

const upstream = upstreamPerTest();
// Far longer than reading the limit takes on any machine: a call that fails near these read
// the body until a timeout, not until the limit.
const ATTEMPT_MS = 10_000;
const client = clientFactory(upstream, {
  timeouts: { attemptMs: ATTEMPT_MS, totalMs: 2 * ATTEMPT_MS },
  retry: { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 5 },
});
const get = (c: ReturnType<typeof client>) =>
  c.request({ method: "GET", path: "/", deadline: createDeadline(2 * ATTEMPT_MS) });

interface Stream {
  behaviour: Behaviour;
  /** Bytes written to the socket so far. */
  sent(): number;
  /** Whether the client hung up before the body ended (it never ends). */
  cutOff(): boolean;
}

/** A 200 whose chunked JSON body never ends: sent as fast as the client reads it. */
function endlessBody(): Stream {
  const chunk = Buffer.alloc(64 * 1024, "a");
  let sent = 0;
  let cutOff = false;
  const behaviour: Behaviour = (_hit, res: ServerResponse) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.on("close", () => {
      cutOff = true;
    });
    const pump = () => {
      while (!res.destroyed) {
        sent += chunk.length;
        if (!res.write(chunk)) return;
      }
    };
    res.on("drain", pump);
    res.write('{"padding":"');
    pump();
  };
  return { behaviour, sent: () => sent, cutOff: () => cutOff };
}

describe("response body limit", () => {
  test("an endless body is cut off past the limit: DependencyError 503 at once, no retry", async () => {
    const stream = endlessBody();
    upstream.behave(stream.behaviour);
    const recording = recordingMeter();
    const started = performance.now();
    const error = await failureOf(get(client({ meter: recording.meter })));
    const elapsedMs = performance.now() - started;

    expect(error).toBeInstanceOf(DependencyError);
    expect(error).toMatchObject({
      status: 503,
      code: "SERVICE_UNAVAILABLE",
      dependency: "auth",
      deadlineExceeded: false,
    });
    expect(elapsedMs).toBeLessThan(ATTEMPT_MS / 2);
    await waitFor(() => stream.cutOff(), "the upstream to see the client hang up");
    // The same answer would come again: one attempt, counted as the dependency's failure.
    expect(upstream.hits).toHaveLength(1);
    const outcomes = recording.measurements
      .filter((m) => m.name === "tracemesh.dependency.attempt.duration")
      .map((m) => m.attributes.outcome);
    expect(outcomes).toEqual(["response_too_large"]);
  });

  test("a declared length over the limit is refused; the limit is the client's to set", async () => {
    const c = client({ maxResponseBytes: 1_024 });
    upstream.behave(reply(200, "a".repeat(1_024)));
    expect(await (await get(c)).text()).toHaveLength(1_024);
    upstream.behave(reply(200, "a".repeat(1_025)));
    expect(await failureOf(get(c))).toBeInstanceOf(DependencyError);
    // Not only 2xx: an error answer is read for its errorCode, within the same limit.
    upstream.behave(reply(500, "a".repeat(1_025)));
    expect(await failureOf(get(c))).toBeInstanceOf(DependencyError);
  });

  test("counts for the breaker like any bad answer", async () => {
    const c = client({ breaker: { consecutiveFailures: 2, halfOpenAfterMs: 60_000 } });
    upstream.behave(endlessBody().behaviour);
    await failureOf(get(c));
    await failureOf(get(c));
    expect(c.breakerState()).toBe("open");
  });

  test("through a Hono service: a contract 503 that says nothing of the body or the upstream", async () => {
    const stream = endlessBody();
    upstream.behave(stream.behaviour);
    const auth = client();
    const app = new Hono();
    app.use(deadline({ budgetMs: 2 * ATTEMPT_MS }));
    app.onError(onError);
    app.get("/v1/todos", async (c) => {
      const decision = await auth.requestJson({
        method: "GET",
        path: "/v1/decision",
        deadline: c.var.deadline,
      });
      return c.json({ decision });
    });
    const started = performance.now();
    const res = await app.request("/v1/todos");
    const text = await res.text();
    expect(performance.now() - started).toBeLessThan(ATTEMPT_MS / 2);
    expect(res.status).toBe(503);
    expect(JSON.parse(text)).toMatchObject({
      errorCode: "SERVICE_UNAVAILABLE",
      details: [{ type: "dependency", name: "auth" }],
    });
    expect(text).not.toContain("padding");
    expect(text).not.toContain("aaaa");
    expect(text).not.toContain("127.0.0.1");
    expect(text).not.toContain(new URL(upstream.url).port);
    expect(text.length).toBeLessThan(2_048);
  });
});
