import { isBrokenCircuitError } from "cockatiel";
import { afterEach, describe, expect, test, vi } from "vitest";
import { createDependencyBreaker } from "./dependency-breaker.ts";
import { UpstreamFailure } from "./upstream-failure.ts";

afterEach(() => {
  vi.useRealTimers();
});

describe("createDependencyBreaker", () => {
  test("refuses until the very millisecond its wait ends, then lets the trial through", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: 1_000_000 });
    const breaker = createDependencyBreaker("auth", {
      consecutiveFailures: 1,
      halfOpenAfterMs: 1_000,
    });
    const signal = new AbortController().signal;
    const failing = async () => {
      throw new UpstreamFailure("auth", "server_error", { status: 500 });
    };
    await expect(breaker.execute(failing, signal)).rejects.toBeInstanceOf(UpstreamFailure);
    expect(breaker.state()).toBe("open");

    vi.setSystemTime(1_000_999);
    const attempt = vi.fn(async () => "answered");
    const refused = await breaker.execute(attempt, signal).catch((error: unknown) => error);
    expect(isBrokenCircuitError(refused)).toBe(true);
    expect(attempt).not.toHaveBeenCalled();
    expect(breaker.refusedForMs()).toBe(1);

    vi.setSystemTime(1_001_000);
    expect(breaker.refusedForMs()).toBe(0);
    await expect(breaker.execute(attempt, signal)).resolves.toBe("answered");
    expect(attempt).toHaveBeenCalledOnce();
    expect(breaker.state()).toBe("closed");
  });
});
