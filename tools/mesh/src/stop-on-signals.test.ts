import { afterEach, describe, expect, test, vi } from "vitest";
import { STOP_SIGNALS, stopOnSignals } from "./stop-on-signals.ts";

let removeHandlers: (() => void) | undefined;
afterEach(() => removeHandlers?.());

describe.each(STOP_SIGNALS)("%s", (signal) => {
  test("stops, once, whatever comes after it", () => {
    const stop = vi.fn();
    removeHandlers = stopOnSignals(stop);

    process.emit(signal);
    expect(stop).toHaveBeenCalledOnce();

    for (const next of STOP_SIGNALS) process.emit(next);
    expect(stop).toHaveBeenCalledOnce();
  });
});

test("stops on nothing once its handlers are removed", () => {
  const stop = vi.fn();
  stopOnSignals(stop)();

  process.emit("SIGHUP");

  expect(stop).not.toHaveBeenCalled();
});
