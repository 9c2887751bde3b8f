import { DependencyError } from "@tracemesh/errors";
import { recordingMeter } from "@tracemesh/testing";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { createDeadline } from "./deadline.ts";
import {
  attemptOutcomes,
  clientFactory,
  expectAuthUnavailable,
  failureOf,
  reply,
  startUpstream,
  type Upstream,
  upstreamPerTest,
} from "./test-utils.ts";

const upstream = upstreamPerTest();
const client = clientFactory(upstream, {
  retry: { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 5 },
});
const call = (c: ReturnType<typeof client>, method: "GET" | "POST" = "GET") =>
  c.request({
    method,
    path: "/v1/authorize",
    headers: { authorization: "Bearer secret-token" },
    body: method === "POST" ? { action: "todos:read" } : undefined,
    deadline: createDeadline(5_000),
  });

// Where a redirect would send the request: it must never see it, nor the token.
let elsewhere: Upstream;
beforeEach(async () => {
  elsewhere = await startUpstream();
});
afterEach(() => elsewhere.close());

describe("a redirect from the dependency", () => {
  test.each([301, 302, 303, 307, 308])(
    "%i is not followed: DependencyError 503 at once, one attempt, nothing sent where it points",
    async (status) => {
      upstream.behave(reply(status, "", { location: `${elsewhere.url}/collect` }));
      const recording = recordingMeter();

      const error = await failureOf(call(client({ meter: recording.meter })));

      expectAuthUnavailable(error);
      expect(upstream.hits).toHaveLength(1);
      expect(elsewhere.hits).toEqual([]);
      expect(attemptOutcomes(recording)).toEqual(["redirected"]);
    },
  );

  test("a POST with a body is not re-sent either", async () => {
    upstream.behave(reply(307, "", { location: `${elsewhere.url}/collect` }));
    expect(await failureOf(call(client(), "POST"))).toBeInstanceOf(DependencyError);
    expect(upstream.hits.map((hit) => hit.body)).toEqual(['{"action":"todos:read"}']);
    expect(elsewhere.hits).toEqual([]);
  });

  test("counts for the breaker like any bad answer", async () => {
    const c = client({ breaker: { consecutiveFailures: 2, halfOpenAfterMs: 60_000 } });
    upstream.behave(reply(302, "", { location: `${elsewhere.url}/collect` }));
    await failureOf(call(c));
    await failureOf(call(c));
    expect(c.breakerState()).toBe("open");
  });

  test("a redirect without a Location fails the same way", async () => {
    upstream.behave(reply(302));
    const recording = recordingMeter();
    expect(await failureOf(call(client({ meter: recording.meter })))).toBeInstanceOf(
      DependencyError,
    );
    expect(attemptOutcomes(recording)).toEqual(["redirected"]);
  });

  test("a fetch of the caller's own that does not refuse the redirect: refused all the same", async () => {
    const manual: typeof fetch = (input, init) => fetch(input, { ...init, redirect: "manual" });
    upstream.behave(reply(307, "", { location: `${elsewhere.url}/collect` }));
    const error = await failureOf(call(client({ fetch: manual })));
    expect(error).toBeInstanceOf(DependencyError);
    expect(upstream.hits).toHaveLength(1);
    expect(elsewhere.hits).toEqual([]);
  });

  test("300 and 304 are not redirects fetch would follow: answers, as before", async () => {
    upstream.behave(reply(304));
    expect((await call(client())).status).toBe(304);
    upstream.behave(reply(300, { choices: [] }));
    expect((await call(client())).status).toBe(300);
  });
});
