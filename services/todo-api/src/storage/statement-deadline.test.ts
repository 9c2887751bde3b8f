import { DependencyError } from "@tracemesh/errors";
import { createDeadline } from "@tracemesh/resilience";
import { describe, expect, test } from "vitest";
import { DEADLINE_MARGIN_MS, statementLimit, withinDeadline } from "./statement-deadline.ts";
import { rejection } from "./test-utils.ts";

/** A deadline `ms` from now that does not move: its remainingMs is exact. */
function frozenDeadline(ms: number) {
  return { ...createDeadline(ms), remainingMs: () => ms };
}

describe("statementLimit", () => {
  test("gives a statement what is left minus the margin, whole milliseconds", () => {
    expect(statementLimit(frozenDeadline(1_000.7), 5_000)).toEqual({
      ms: 1_000 - DEADLINE_MARGIN_MS,
      byDeadline: true,
    });
  });

  test("never more than the ceiling, which then is what limits it", () => {
    expect(statementLimit(frozenDeadline(10_000), 5_000)).toEqual({ ms: 5_000, byDeadline: false });
  });

  test.each([0, DEADLINE_MARGIN_MS, DEADLINE_MARGIN_MS + 0.5])(
    "with %d ms left no statement starts: DependencyError (database), the deadline's",
    (left) => {
      let thrown: unknown;
      try {
        statementLimit(frozenDeadline(left));
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(DependencyError);
      expect((thrown as DependencyError).dependency).toBe("database");
      expect((thrown as DependencyError).deadlineExceeded).toBe(true);
    },
  );
});

describe("withinDeadline", () => {
  test("settles as the work does when it finishes in time", async () => {
    const abandoned: AbortSignal[] = [];
    const result = await withinDeadline(createDeadline(1_000), 50, async (signal) => {
      abandoned.push(signal);
      return "done";
    });
    expect(result).toBe("done");
    expect(abandoned[0]?.aborted).toBe(false);
    await expect(
      withinDeadline(createDeadline(1_000), 50, async () => {
        throw new RangeError("its own failure");
      }),
    ).rejects.toThrow(RangeError);
  });

  test("gives up `giveUpMs` before the deadline, and tells the work it was abandoned", async () => {
    let signal: AbortSignal | undefined;
    let finish: (value: string) => void = () => {};
    const started = performance.now();
    const error = await rejection(
      withinDeadline(createDeadline(300), 100, (abandoned) => {
        signal = abandoned;
        return new Promise<string>((resolve) => {
          finish = resolve;
        });
      }),
    );
    const elapsed = performance.now() - started;
    expect(error).toBeInstanceOf(DependencyError);
    expect((error as DependencyError).deadlineExceeded).toBe(true);
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(300);
    expect(signal?.aborted).toBe(true);
    // Its late outcome goes nowhere.
    finish("too late");
  });

  test("does not start the work when no statement could run", async () => {
    let started = false;
    const error = await rejection(
      withinDeadline(createDeadline(10), 5, async () => {
        started = true;
      }),
    );
    expect(error).toBeInstanceOf(DependencyError);
    expect(started).toBe(false);
  });
});
