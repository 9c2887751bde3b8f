import { describe, expect, test, vi } from "vitest";
import { createDeadline } from "./deadline.ts";

describe("createDeadline", () => {
  test("counts down from the budget and never goes negative", async () => {
    const d = createDeadline(200);
    expect(d.remainingMs()).toBeGreaterThan(150);
    expect(d.remainingMs()).toBeLessThanOrEqual(200);
    expect(d.expiresAt - Date.now()).toBeLessThanOrEqual(200);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(d.remainingMs()).toBe(0);
  });

  test("aborts its signal when it expires, not before", async () => {
    const d = createDeadline(100);
    expect(d.signal.aborted).toBe(false);
    const started = performance.now();
    await new Promise((resolve) => d.signal.addEventListener("abort", resolve, { once: true }));
    // Generous bounds: timers may run late on a loaded machine, never much early.
    expect(performance.now() - started).toBeGreaterThanOrEqual(90);
    expect(d.signal.aborted).toBe(true);
  });

  test("once disposed, it never aborts: the work it bounded is over", () => {
    vi.useFakeTimers();
    try {
      const done = createDeadline(100);
      const running = createDeadline(100);
      done.dispose();
      vi.advanceTimersByTime(150);
      expect(done.signal.aborted).toBe(false);
      expect(running.signal.aborted).toBe(true);
      expect((running.signal.reason as DOMException).name).toBe("TimeoutError");
    } finally {
      vi.useRealTimers();
    }
  });

  test("ends with the signal that cancels it, that signal's reason as an AbortError", () => {
    const request = new AbortController();
    const d = createDeadline(10_000, request.signal);
    expect(d.signal.aborted).toBe(false);
    request.abort("Client connection prematurely closed.");
    expect(d.signal.aborted).toBe(true);
    expect(d.signal.reason).toMatchObject({
      name: "AbortError",
      message: "Client connection prematurely closed.",
    });
    expect(d.remainingMs()).toBeGreaterThan(9_000);
  });

  test("is cancelled from the start by a signal already aborted, and not after dispose", () => {
    const gone = new AbortController();
    gone.abort();
    expect(createDeadline(10_000, gone.signal).signal.aborted).toBe(true);
    const request = new AbortController();
    const done = createDeadline(10_000, request.signal);
    done.dispose();
    request.abort();
    expect(done.signal.aborted).toBe(false);
  });

  test("an empty budget is already expired", () => {
    const d = createDeadline(-5);
    expect(d.remainingMs()).toBe(0);
  });
});
