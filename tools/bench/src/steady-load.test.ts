import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, expect, test } from "vitest";
import { runSteadyLoad } from "./steady-load.ts";

let server: Server | undefined;
afterEach(
  () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())),
);

/** A server that records when each request arrived and holds the first one `firstDelayMs`. */
async function recordingServer(firstDelayMs = 0) {
  const arrivals: number[] = [];
  server = createServer((req, res) => {
    arrivals.push(performance.now());
    const answer = () => res.writeHead(req.method === "POST" ? 201 : 200).end("{}");
    if (arrivals.length === 1 && firstDelayMs > 0) setTimeout(answer, firstDelayMs);
    else answer();
  });
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, arrivals };
}

test("sends rate × seconds requests spread over the seconds, not in a burst", async () => {
  const { url, arrivals } = await recordingServer();
  const result = await runSteadyLoad(
    { url, method: "POST", body: { a: 1 } },
    { rate: 40, seconds: 1 },
  );
  expect(result.statuses).toEqual({ "201": 40 });
  expect(result.requests).toBe(40);
  // A burst would have them all within a few milliseconds; 1/40 s apart they span ~975 ms.
  expect((arrivals.at(-1) ?? 0) - (arrivals[0] ?? 0)).toBeGreaterThan(700);
});

test("a slow answer does not hold back the requests due after it (an open model)", async () => {
  const { url, arrivals } = await recordingServer(600);
  const result = await runSteadyLoad({ url }, { rate: 20, seconds: 1 });
  expect(result.requests).toBe(20);
  // The second request is due 50 ms in: it must not wait for the first answer at 600 ms.
  expect((arrivals[1] ?? 0) - (arrivals[0] ?? 0)).toBeLessThan(400);
  expect(result.p99).toBeGreaterThanOrEqual(600);
});

test("counts requests that got no answer as errors", async () => {
  const result = await runSteadyLoad({ url: "http://127.0.0.1:9/" }, { rate: 10, seconds: 0.3 });
  expect(result.errors).toBe(3);
  expect(result.requests).toBe(0);
});
