import { type RunningHttpServer, startHttpServer } from "@tracemesh/http";
import { waitFor } from "@tracemesh/testing";
import { afterEach, describe, expect, test } from "vitest";
import { chaosRequest, createTestService } from "./test-utils.ts";

// Chaos latency goes up to 60 s: a client that gives up must not leave it running that long.
const LATENCY_MS = 60_000;
let running: RunningHttpServer | undefined;
afterEach(async () => {
  await running?.shutdown();
  running = undefined;
});

const quiet = { info: () => {}, warn: () => {}, error: () => {} };

describe("faultInjection behind a real server", () => {
  test("a client that hangs up mid-latency ends the injected sleep at once", async () => {
    const service = createTestService({ budgetMs: 2 * LATENCY_MS });
    expect((await chaosRequest(service.app, "PUT", { latencyMs: LATENCY_MS })).status).toBe(200);
    running = await startHttpServer({
      app: service.app,
      port: 0,
      signals: [],
      logger: quiet,
      drainTimeoutMs: 1_000,
    });
    const lines = () => service.logs.lines();
    const client = new AbortController();
    const call = fetch(`http://127.0.0.1:${running.port}/v1/things`, { signal: client.signal });
    const settled = call.then(
      () => "answered",
      () => "aborted",
    );
    await waitFor(
      async () => (await lines()).some((line) => line.event === "chaos.fault_injected"),
      "the latency to begin",
    );

    const hungUpAt = performance.now();
    client.abort();
    expect(await settled).toBe("aborted");
    const ended = async () =>
      (await lines()).find(
        (line) =>
          line.event === "http.request" && (line.http as { method: string }).method === "GET",
      );
    await waitFor(async () => (await ended()) !== undefined, "the request to end");

    // Seconds at most on a loaded machine, against the minute the latency would have lasted.
    expect(performance.now() - hungUpAt).toBeLessThan(LATENCY_MS / 6);
    const line = await ended();
    expect(line).toMatchObject({
      level: "warn",
      http: {
        method: "GET",
        status: 499,
        durationMs: expect.toSatisfy((ms: number) => ms < LATENCY_MS / 6),
      },
    });
  });
});
