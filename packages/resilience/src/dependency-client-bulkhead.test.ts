import { DependencyError } from "@tracemesh/errors";
import { recordingMeter } from "@tracemesh/testing";
import { describe, expect, test } from "vitest";
import { createDeadline } from "./deadline.ts";
import { clientFactory, failureOf, hang, reply, slow, upstreamPerTest } from "./test-utils.ts";

const upstream = upstreamPerTest(slow(500, reply(200, { ok: true })));
const client = clientFactory(upstream, {
  bulkhead: { limit: 1, queue: 1 },
  timeouts: { attemptMs: 5_000, totalMs: 10_000 },
  retry: { maxAttempts: 1 },
});

/** A call and whether it has settled yet. */
function tracked(call: Promise<Response>) {
  const state = { settled: false, call };
  call.then(
    () => {
      state.settled = true;
    },
    () => {
      state.settled = true;
    },
  );
  return state;
}

describe("bulkhead", () => {
  test("with every slot and queue place taken, a call fails at once instead of queueing", async () => {
    const c = client();
    const get = () => c.request({ method: "GET", path: "/", deadline: createDeadline(10_000) });
    const running = tracked(get());
    const queued = tracked(get());
    const rejected = await failureOf(get());
    expect(rejected).toBeInstanceOf(DependencyError);
    expect((rejected as DependencyError).retryAfterSeconds).toBe(1);
    // Refused before it went out: no stack of its own (docs/architecture.md).
    expect((rejected as DependencyError).stack).toBe(
      "DependencyError: dependency auth unavailable",
    );
    // The rejection came while the other two were still waiting on the slow upstream.
    expect(running.settled).toBe(false);
    expect(queued.settled).toBe(false);
    expect((await running.call).status).toBe(200);
    expect((await queued.call).status).toBe(200);
    expect(upstream.hits).toHaveLength(2);
  });

  test("the queue does not grow: later calls are turned away too, and served once it drains", async () => {
    const c = client();
    const get = () => c.request({ method: "GET", path: "/", deadline: createDeadline(10_000) });
    const admitted = [get(), get()];
    const turnedAway = await Promise.allSettled([get(), get(), get()]);
    expect(
      turnedAway.every((r) => r.status === "rejected" && r.reason instanceof DependencyError),
    ).toBe(true);
    await Promise.all(admitted);
    expect((await get()).status).toBe(200);
    expect(upstream.hits).toHaveLength(3);
  });

  test("a queued call whose deadline passes gives up without reaching the upstream", async () => {
    upstream.behave(hang);
    const c = client();
    const running = c.request({ method: "GET", path: "/", deadline: createDeadline(1_500) });
    const started = performance.now();
    const error = await failureOf(
      c.request({ method: "GET", path: "/", deadline: createDeadline(300) }),
    );
    const elapsed = performance.now() - started;
    expect(error).toBeInstanceOf(DependencyError);
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(1_400);
    expect(await failureOf(running)).toBeInstanceOf(DependencyError);
    expect(upstream.hits).toHaveLength(1);
  });

  test("a queued call that gives up frees its place: a later call waits instead of being refused", async () => {
    upstream.behave(slow(1_000, reply(200, { ok: true })));
    const c = client();
    const holding = c.request({ method: "GET", path: "/", deadline: createDeadline(10_000) });
    const givesUp = c.request({ method: "GET", path: "/", deadline: createDeadline(200) });
    expect(await failureOf(givesUp)).toBeInstanceOf(DependencyError);
    // The queue's one place is free again while the slot is still held.
    const later = c.request({ method: "GET", path: "/", deadline: createDeadline(10_000) });
    expect((await holding).status).toBe(200);
    expect((await later).status).toBe(200);
    expect(upstream.hits).toHaveLength(2);
  });

  test("a queued call cancelled with time left (its request abandoned) is no budget_exhausted", async () => {
    upstream.behave(hang);
    const recording = recordingMeter();
    const c = client({ meter: recording.meter });
    const holding = c.request({ method: "GET", path: "/", deadline: createDeadline(2_000) });
    const abandoned = new AbortController();
    const queued = c.request({
      method: "GET",
      path: "/",
      deadline: createDeadline(10_000, abandoned.signal),
    });
    abandoned.abort("Client connection prematurely closed.");
    expect(await failureOf(queued)).toMatchObject({ deadlineExceeded: true });
    expect(recording.measurements.filter((m) => m.name.endsWith("rejections"))).toEqual([]);
    await failureOf(holding);
  });
});
