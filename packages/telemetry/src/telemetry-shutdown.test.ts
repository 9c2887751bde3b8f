import { afterEach, describe, expect, it, vi } from "vitest";
import { registerTelemetryShutdown, shutdownTelemetry } from "./telemetry-shutdown.ts";

function captureStdout(): { lines: () => Record<string, unknown>[] } {
  const spy = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
  return {
    lines: () =>
      spy.mock.calls.map(([chunk]) => JSON.parse(String(chunk)) as Record<string, unknown>),
  };
}

describe("shutdownTelemetry", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("is a no-op when the preload never started the SDK", async () => {
    const stdout = captureStdout();
    await expect(shutdownTelemetry()).resolves.toBeUndefined();
    expect(stdout.lines()).toEqual([]);
  });

  it("shuts the registered SDK down once", async () => {
    const shutdown = vi.fn(async () => {});
    registerTelemetryShutdown(shutdown);
    await shutdownTelemetry();
    await shutdownTelemetry();
    expect(shutdown).toHaveBeenCalledTimes(1);
  });

  it("gives up after the timeout instead of holding the exit", async () => {
    const stdout = captureStdout();
    registerTelemetryShutdown(() => new Promise<void>(() => {}));
    const startedAt = Date.now();
    await shutdownTelemetry({ timeoutMs: 50 });
    expect(Date.now() - startedAt).toBeLessThan(1000);
    expect(stdout.lines()).toMatchObject([{ level: "warn", event: "telemetry.shutdown_timeout" }]);
  });

  it("logs a failed shutdown and never throws", async () => {
    const stdout = captureStdout();
    registerTelemetryShutdown(async () => {
      throw new Error("exporter exploded");
    });
    await expect(shutdownTelemetry()).resolves.toBeUndefined();
    expect(stdout.lines()).toMatchObject([
      { event: "telemetry.shutdown_failed", error: { message: "exporter exploded" } },
    ]);
  });
});
