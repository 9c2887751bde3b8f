import { DependencyError } from "@tracemesh/errors";
import { recordingMeter, waitFor } from "@tracemesh/testing";
import { describe, expect, test } from "vitest";
import { createDeadline } from "./deadline.ts";
import {
  attemptOutcomes,
  clientFactory,
  endlessBody,
  expectAuthUnavailable,
  failureOf,
  reply,
  upstreamPerTest,
} from "./test-utils.ts";

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

describe("response body limit", () => {
  test("an endless body is cut off past the limit: DependencyError 503 at once, no retry", async () => {
    const stream = endlessBody();
    upstream.behave(stream.behaviour);
    const recording = recordingMeter();
    const started = performance.now();
    const error = await failureOf(get(client({ meter: recording.meter })));
    const elapsedMs = performance.now() - started;

    expectAuthUnavailable(error);
    expect(elapsedMs).toBeLessThan(ATTEMPT_MS / 2);
    await waitFor(() => stream.cutOff(), "the upstream to see the client hang up");
    // The same answer would come again: one attempt, counted as the dependency's failure.
    expect(upstream.hits).toHaveLength(1);
    expect(attemptOutcomes(recording)).toEqual(["response_too_large"]);
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
});
