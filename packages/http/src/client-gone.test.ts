import type { ServerResponse } from "node:http";
import { createNoopMeter, type Meter, type MeterProvider, metrics } from "@opentelemetry/api";
import { captureLogger } from "@tracemesh/logger/testing";
import { clientFactory, reply, sequence, upstreamPerTest } from "@tracemesh/resilience/testing";
import { waitFor } from "@tracemesh/testing";
import { afterEach, describe, expect, test } from "vitest";
import { startHttpServer } from "./http-server.ts";
import { createServiceApp } from "./service-app.ts";

// A real server and a real client that hangs up: the request's signal comes from
// @hono/node-server seeing the connection close, as in the services.

const upstream = upstreamPerTest();
// Far longer than any wait below: only the client's leaving can end a call in time.
const client = clientFactory(upstream, {
  timeouts: { attemptMs: 60_000, totalMs: 60_000 },
  retry: { maxAttempts: 1 },
  // One call at a time, none waiting: a call nobody waits for would turn the next one away.
  bulkhead: { limit: 1, queue: 0 },
});

/** A meter provider whose `tracemesh.errors` counter pushes each count into `errors`. */
function countingErrors(errors: unknown[]): MeterProvider {
  const noop = createNoopMeter();
  const meter: Meter = Object.assign(Object.create(noop) as Meter, {
    createCounter: (name: string) =>
      name === "tracemesh.errors"
        ? { add: (_: number, attributes: unknown) => void errors.push(attributes) }
        : noop.createCounter(name),
  });
  return { getMeter: () => meter };
}

/** Holds the upstream's answer until its caller hangs up, recording that moment. */
function holdUntilClosed(closed: number[]) {
  return (_hit: unknown, res: ServerResponse) => {
    res.on("close", () => closed.push(performance.now()));
  };
}

let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

async function startService() {
  const { logger, lines } = captureLogger({ service: "todo-api" });
  const auth = client();
  const app = createServiceApp({ logger, requestBudgetMs: 60_000 });
  app.get("/v1/todos", async (c) => {
    const response = await auth.request({
      method: "GET",
      path: "/v1/authorize",
      deadline: c.var.deadline,
    });
    return c.json({ authorized: response.status });
  });
  // A bug that strikes once the client has gone: still a bug.
  app.get("/v1/late-bug", async (c) => {
    await auth
      .request({ method: "GET", path: "/v1/authorize", deadline: c.var.deadline })
      .catch(() => {});
    throw new TypeError("a bug after the client left");
  });
  const running = await startHttpServer({ app, port: 0, logger, signals: [] });
  stop = running.shutdown;
  return { url: `http://127.0.0.1:${running.port}/v1/todos`, lines };
}

/** Asks `url` and hangs up once the service's call has reached the dependency. */
async function hangUpOnceCalled(url: string): Promise<unknown> {
  const leaving = new AbortController();
  const abandoned = fetch(url, { signal: leaving.signal }).catch((error) => error);
  await waitFor(() => upstream.hits.length === 1, "the call to reach the dependency");
  leaving.abort();
  return abandoned;
}

/** The request's access log line, once written. */
async function accessLineOf(service: { lines(): Promise<Record<string, unknown>[]> }) {
  const accessLine = async () =>
    (await service.lines()).find((line) => line.event === "http.request");
  await waitFor(async () => (await accessLine()) !== undefined, "the access log line");
  return accessLine();
}

describe("a client that hangs up before the answer", () => {
  test("ends the outbound call at once, and its slot serves the next request", async () => {
    const closed: number[] = [];
    upstream.behave(sequence(holdUntilClosed(closed), reply(200, { allowed: true })));
    const service = await startService();

    expect(await hangUpOnceCalled(service.url)).toBeInstanceOf(Error);
    // The dependency sees its caller hang up too, long before the call's own 60 s timeout.
    await waitFor(() => closed.length === 1, "the outbound call to be cancelled");

    const next = await fetch(service.url);
    expect(next.status).toBe(200);
    expect(await next.json()).toEqual({ authorized: 200 });
  });

  test("is counted as no error of the service's", async () => {
    const errors: unknown[] = [];
    metrics.setGlobalMeterProvider(countingErrors(errors));
    try {
      upstream.behave(holdUntilClosed([]));
      const service = await startService();
      await hangUpOnceCalled(service.url);
      await accessLineOf(service);
      expect(errors).toEqual([]);
    } finally {
      metrics.disable();
    }
  });

  test("a bug's 500 stays a 500 with its stack, though the client has gone", async () => {
    upstream.behave(holdUntilClosed([]));
    const service = await startService();
    await hangUpOnceCalled(service.url.replace("/v1/todos", "/v1/late-bug"));
    expect(await accessLineOf(service)).toMatchObject({
      level: "error",
      http: { status: 500 },
      error: { name: "TypeError", stack: expect.stringContaining("a bug after the client left") },
    });
  });

  test("is logged as a warning with status 499, the client closed request, and no stack", async () => {
    const closed: number[] = [];
    upstream.behave(holdUntilClosed(closed));
    const service = await startService();
    await hangUpOnceCalled(service.url);
    const line = await accessLineOf(service);
    expect(line).toMatchObject({ level: "warn", http: { route: "/v1/todos", status: 499 } });
    // What the handler answered to no one: the 503 of the call its end cancelled, no stack.
    expect(line).toMatchObject({ errorCode: "SERVICE_UNAVAILABLE" });
    expect(line).not.toHaveProperty("error");
  });
});
