import { BulkheadRejectedError, TaskCancelledError } from "cockatiel";

export interface Bulkhead {
  /**
   * Runs `fn` now if a slot is free, else once one frees up, in order of arrival; with every
   * slot and queue place taken, rejects at once with cockatiel's BulkheadRejectedError. A call
   * whose `signal` aborts while it waits leaves the queue at once, rejected with `gaveUp()`;
   * one whose signal has already aborted is never queued (TaskCancelledError).
   */
  execute<T>(fn: () => Promise<T>, signal: AbortSignal, gaveUp: () => Error): Promise<T>;
}

interface Waiting {
  start(): void;
}

/**
 * At most `limit` calls at once and `queue` waiting. Not cockatiel's bulkhead: a caller that
 * gave up stayed in its queue until a slot freed up, holding a place a live caller was then
 * refused (a short deadline queued behind a hanging dependency turned every later call away).
 */
export function createBulkhead(limit: number, queue: number): Bulkhead {
  let active = 0;
  const waiting: Waiting[] = [];

  function run<T>(fn: () => Promise<T>): Promise<T> {
    active += 1;
    let running: Promise<T>;
    try {
      running = fn();
    } catch (error) {
      running = Promise.reject(error);
    }
    return running.finally(() => {
      active -= 1;
      waiting.shift()?.start();
    });
  }

  return {
    execute(fn, signal, gaveUp) {
      if (signal.aborted) return Promise.reject(new TaskCancelledError());
      if (active < limit) return run(fn);
      if (waiting.length >= queue) return Promise.reject(new BulkheadRejectedError(limit, queue));
      return new Promise((resolve, reject) => {
        const onAbort = () => {
          waiting.splice(waiting.indexOf(place), 1);
          reject(gaveUp());
        };
        const place: Waiting = {
          start() {
            signal.removeEventListener("abort", onAbort);
            run(fn).then(resolve, reject);
          },
        };
        waiting.push(place);
        signal.addEventListener("abort", onAbort, { once: true });
      });
    },
  };
}
