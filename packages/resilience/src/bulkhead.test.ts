import { isBulkheadRejectedError, isTaskCancelledError } from "cockatiel";
import { describe, expect, test } from "vitest";
import { createBulkhead } from "./bulkhead.ts";

/** A call held open until the test lets it finish. */
function heldCall(value: string) {
  let finish = () => {};
  const started = { value: false };
  const fn = () =>
    new Promise<string>((resolve) => {
      started.value = true;
      finish = () => resolve(value);
    });
  return { fn, started, finish: () => finish() };
}

const gaveUp = () => new Error("gave up");
const live = () => new AbortController().signal;

describe("createBulkhead", () => {
  test("runs up to its limit at once, queues up to its queue, refuses the rest at once", async () => {
    const bulkhead = createBulkhead(1, 1);
    const first = heldCall("first");
    const second = heldCall("second");
    const running = bulkhead.execute(first.fn, live(), gaveUp);
    const queued = bulkhead.execute(second.fn, live(), gaveUp);
    const refused = bulkhead.execute(async () => "third", live(), gaveUp);
    await expect(refused).rejects.toSatisfy(isBulkheadRejectedError);
    expect(first.started.value).toBe(true);
    expect(second.started.value).toBe(false);
    first.finish();
    expect(await running).toBe("first");
    expect(second.started.value).toBe(true);
    second.finish();
    expect(await queued).toBe("second");
  });

  test("starts the waiting calls in order of arrival, also after a call fails", async () => {
    const bulkhead = createBulkhead(1, 2);
    const order: string[] = [];
    const failing = bulkhead.execute(async () => Promise.reject(new Error("boom")), live(), gaveUp);
    const calls = ["a", "b"].map((name) =>
      bulkhead.execute(
        async () => {
          order.push(name);
          return name;
        },
        live(),
        gaveUp,
      ),
    );
    await expect(failing).rejects.toThrow("boom");
    expect(await Promise.all(calls)).toEqual(["a", "b"]);
    expect(order).toEqual(["a", "b"]);
  });

  test("a waiting call whose signal aborts leaves the queue at once, never to run", async () => {
    const bulkhead = createBulkhead(1, 1);
    const first = heldCall("first");
    const running = bulkhead.execute(first.fn, live(), gaveUp);
    const leaving = new AbortController();
    let ran = false;
    const waiting = bulkhead.execute(
      async () => {
        ran = true;
        return "never";
      },
      leaving.signal,
      gaveUp,
    );
    leaving.abort();
    await expect(waiting).rejects.toThrow("gave up");
    // Its place is free while the slot is still taken.
    const next = heldCall("next");
    const queued = bulkhead.execute(next.fn, live(), gaveUp);
    first.finish();
    await running;
    expect(ran).toBe(false);
    next.finish();
    expect(await queued).toBe("next");
  });

  test("a call whose signal has already aborted is never queued or run", async () => {
    const gone = new AbortController();
    gone.abort();
    await expect(
      createBulkhead(1, 1).execute(async () => "x", gone.signal, gaveUp),
    ).rejects.toSatisfy(isTaskCancelledError);
  });
});
