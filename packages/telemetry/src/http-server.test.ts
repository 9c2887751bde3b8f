import { setTimeout as sleep } from "node:timers/promises";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { type ServerLogger, startHttpServer } from "./http-server.ts";

// In-process, without signals (the real SIGTERM path runs in preload.process.test.ts).

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
    await sleep(Number(c.req.query("ms")));
    order.push("handled");
    return c.text("slow");
  });
  return app;
}

describe("startHttpServer", () => {
  it("listens on a free port when given 0 and reports it", async () => {
    const logger = recordingLogger();
    const running = await startHttpServer({ app: createSlowApp(), port: 0, logger, signals: [] });
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
    const first = await startHttpServer({
      app: createSlowApp(),
      port: 0,
      logger: recordingLogger(),
      signals: [],
    });
    try {
      await expect(
        startHttpServer({
          app: createSlowApp(),
          port: first.port,
          logger: recordingLogger(),
          signals: [],
        }),
      ).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await first.shutdown();
    }
  });

  it("shutdown lets the in-flight request finish, then runs onShutdown", async () => {
    const order: string[] = [];
    const running = await startHttpServer({
      app: createSlowApp(order),
      port: 0,
      logger: recordingLogger(),
      signals: [],
      onShutdown: () => {
        order.push("onShutdown");
      },
    });
    const slow = fetch(`http://127.0.0.1:${running.port}/slow?ms=300`);
    await sleep(50);
    await running.shutdown();
    expect(await (await slow).text()).toBe("slow");
    expect(order).toEqual(["handled", "onShutdown"]);
    expect(running.server.listening).toBe(false);
  });

  it("cuts connections still open after the drain timeout", async () => {
    const logger = recordingLogger();
    const running = await startHttpServer({
      app: createSlowApp(),
      port: 0,
      logger,
      signals: [],
      drainTimeoutMs: 100,
    });
    const stuck = fetch(`http://127.0.0.1:${running.port}/slow?ms=5000`);
    await sleep(50);
    const startedAt = Date.now();
    await running.shutdown();
    expect(Date.now() - startedAt).toBeLessThan(2000);
    await expect(stuck).rejects.toThrow();
    expect(logger.events).toContain("server.drain_timeout");
  });

  it("logs a failing onShutdown without throwing from shutdown", async () => {
    const logger = recordingLogger();
    const running = await startHttpServer({
      app: createSlowApp(),
      port: 0,
      logger,
      signals: [],
      onShutdown: () => {
        throw new Error("pool already closed");
      },
    });
    await expect(running.shutdown()).resolves.toBeUndefined();
    expect(logger.events).toEqual(
      expect.arrayContaining(["server.on_shutdown_failed", "server.shutdown_completed"]),
    );
  });
});
