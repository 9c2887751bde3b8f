import { setTimeout as sleep } from "node:timers/promises";
import { waitFor } from "@tracemesh/testing";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { type HttpServerOptions, type ServerLogger, startHttpServer } from "./http-server.ts";

// In-process, without signals (the real SIGTERM path runs in @tracemesh/telemetry's
// preload.process.test.ts).

function recordingLogger(): ServerLogger & { events: string[] } {
  const events: string[] = [];
  return {
    events,
    info: (event) => events.push(event),
    warn: (event) => events.push(event),
    error: (event) => events.push(event),
  };
}

function createSlowApp(order: string[] = []): Hono {
  const app = new Hono();
  app.get("/fast", (c) => c.text("fast"));
  app.get("/slow", async (c) => {
    order.push("started");
    await sleep(Number(c.req.query("ms")));
    order.push("handled");
    return c.text("slow");
  });
  return app;
}

// A server on a free port with no signal handlers; `options` says what each test is about.
function start(options: Partial<HttpServerOptions> = {}) {
  return startHttpServer({
    app: createSlowApp(),
    port: 0,
    logger: recordingLogger(),
    signals: [],
    ...options,
  });
}

describe("startHttpServer", () => {
  it("listens on a free port when given 0 and reports it", async () => {
    const logger = recordingLogger();
    const running = await start({
      logger,
    });
    try {
      expect(running.port).toBeGreaterThan(0);
      const response = await fetch(`http://127.0.0.1:${running.port}/fast`);
      expect(await response.text()).toBe("fast");
      expect(logger.events).toContain("server.listening");
    } finally {
      await running.shutdown();
    }
  });

  it("rejects when the port is taken", async () => {
    const first = await start();
    try {
      await expect(
        start({
          port: first.port,
        }),
      ).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await first.shutdown();
    }
  });

  it("shutdown lets the in-flight request finish, then runs onShutdown", async () => {
    const order: string[] = [];
    const running = await start({
      app: createSlowApp(order),
      onShutdown: () => {
        order.push("onShutdown");
      },
    });
    const slow = fetch(`http://127.0.0.1:${running.port}/slow?ms=300`);
    await waitFor(() => order.includes("started"), "the slow request to be in flight");
    await running.shutdown();
    expect(await (await slow).text()).toBe("slow");
    expect(order).toEqual(["started", "handled", "onShutdown"]);
    expect(running.server.listening).toBe(false);
  });

  it("runs onShutdownStarted at once, while the in-flight request is still being handled", async () => {
    const order: string[] = [];
    const running = await start({
      app: createSlowApp(order),
      onShutdownStarted: () => {
        order.push("onShutdownStarted");
      },
      onShutdown: () => {
        order.push("onShutdown");
      },
    });
    const slow = fetch(`http://127.0.0.1:${running.port}/slow?ms=300`);
    await waitFor(() => order.includes("started"), "the slow request to be in flight");
    await running.shutdown();
    expect(await (await slow).text()).toBe("slow");
    expect(order).toEqual(["started", "onShutdownStarted", "handled", "onShutdown"]);
  });

  it("cuts connections still open after the drain timeout", async () => {
    const logger = recordingLogger();
    const order: string[] = [];
    const running = await start({
      app: createSlowApp(order),
      logger,
      drainTimeoutMs: 100,
    });
    const stuck = fetch(`http://127.0.0.1:${running.port}/slow?ms=5000`);
    await waitFor(() => order.includes("started"), "the slow request to be in flight");
    const startedAt = Date.now();
    await running.shutdown();
    expect(Date.now() - startedAt).toBeLessThan(2000);
    await expect(stuck).rejects.toThrow();
    expect(logger.events).toContain("server.drain_timeout");
  });

  it("logs a failing onShutdown without throwing from shutdown", async () => {
    const logger = recordingLogger();
    const running = await start({
      logger,
      onShutdown: () => {
        throw new Error("pool already closed");
      },
    });
    await expect(running.shutdown()).resolves.toBeUndefined();
    expect(logger.events).toEqual(
      expect.arrayContaining(["server.on_shutdown_failed", "server.shutdown_completed"]),
    );
  });

  it("logs a failing onShutdownStarted, and still drains and runs onShutdown", async () => {
    const logger = recordingLogger();
    let shutDown = false;
    const running = await start({
      logger,
      onShutdownStarted: async () => {
        throw new Error("consumer already gone");
      },
      onShutdown: () => {
        shutDown = true;
      },
    });
    await expect(running.shutdown()).resolves.toBeUndefined();
    expect(shutDown).toBe(true);
    expect(logger.events).toEqual(
      expect.arrayContaining(["server.on_shutdown_started_failed", "server.shutdown_completed"]),
    );
  });
});
