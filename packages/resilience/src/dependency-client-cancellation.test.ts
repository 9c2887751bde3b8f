import { DependencyError } from "@tracemesh/errors";
import { recordingMeter } from "@tracemesh/testing";
import { describe, expect, test } from "vitest";
import { createDeadline } from "./deadline.ts";
import { clientFactory, failureOf, hang, reply, slow, upstreamPerTest } from "./test-utils.ts";

// A healthy upstream that needs a little more time than the impatient callers below give it.
const HEALTHY_BUT_150_MS = slow(150, reply(200, { ok: true }));

const upstream = upstreamPerTest(HEALTHY_BUT_150_MS);
const client = clientFactory(upstream, {
  timeouts: { attemptMs: 1_000, totalMs: 5_000 },
  retry: { maxAttempts: 1 },
  breaker: { consecutiveFailures: 3, halfOpenAfterMs: 300 },
  minBudgetMs: 50,
});

const get = (c: ReturnType<typeof client>, deadlineMs: number) =>
  c.request({ method: "GET", path: "/", deadline: createDeadline(deadlineMs) });

describe("attempts cut short by the caller are no verdict on the dependency", () => {
  test("callers whose deadline ends mid-attempt get 503, and never open the shared breaker", async () => {
    const recording = recordingMeter();
    const c = client({ meter: recording.meter });
    for (let i = 0; i < 5; i += 1) {
      const error = await failureOf(get(c, 100));
      expect(error).toBeInstanceOf(DependencyError);
      // The 503 stands, but no metric may blame the dependency for the caller's deadline.
      expect((error as DependencyError).deadlineExceeded).toBe(true);
    }
    expect(upstream.hits).toHaveLength(5);
    expect(c.breakerState()).toBe("closed");
    // The next caller, with time to wait for the answer, is served by the dependency.
    expect((await get(c, 5_000)).status).toBe(200);
    expect(upstream.hits).toHaveLength(6);
    const outcomes = recording.measurements.map((m) => m.attributes.outcome);
    expect(outcomes).toEqual([...Array(5).fill("cancelled"), "success"]);
  });

  test("nor does the call's total timeout cutting an attempt still within its own limit", async () => {
    const c = client({ timeouts: { attemptMs: 1_000, totalMs: 100 } });
    for (let i = 0; i < 5; i += 1) {
      expect(await failureOf(get(c, 5_000))).toBeInstanceOf(DependencyError);
    }
    expect(c.breakerState()).toBe("closed");
    expect(upstream.hits).toHaveLength(5);
  });

  test("an attempt that used its whole limit still counts, whatever deadline its caller had", async () => {
    upstream.behave(hang);
    const c = client({ timeouts: { attemptMs: 100, totalMs: 5_000 } });
    for (let i = 0; i < 3; i += 1) {
      const error = await failureOf(get(c, 5_000));
      expect((error as DependencyError).deadlineExceeded).toBe(false);
    }
    expect(c.breakerState()).toBe("open");
    // Once open, the breaker's refusal is the dependency's doing too.
    expect(((await failureOf(get(c, 5_000))) as DependencyError).deadlineExceeded).toBe(false);
  });

  test("a half-open trial cut short by its caller does not keep the breaker open", async () => {
    upstream.behave(reply(503));
    const c = client({ breaker: { consecutiveFailures: 1, halfOpenAfterMs: 200 } });
    await failureOf(get(c, 5_000));
    expect(c.breakerState()).toBe("open");
    upstream.behave(HEALTHY_BUT_150_MS);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await failureOf(get(c, 100))).toBeInstanceOf(DependencyError);
    expect(c.breakerState()).toBe("closed");
    expect((await get(c, 5_000)).status).toBe(200);
  });
});
