import { Agent, request } from "node:http";
import type { LoadResult, LoadTarget } from "./http-load.ts";
import { percentile } from "./percentile.ts";

export interface SteadyLoadOptions {
  /** Requests a second, each sent at its time. */
  rate: number;
  seconds: number;
}

/**
 * Sends `rate` requests a second for `seconds`, each at its own time (1/rate apart) whatever
 * the earlier ones are doing: an open model, as k6's constant-arrival-rate. autocannon's `rate`
 * is not one: each connection sends its second's quota back to back at the start of the
 * second, so a "20/s" is a burst of 20, and it pads its latencies with one synthetic value a
 * millisecond of each response. Latencies here are each response's own, from the request's
 * send to its last byte.
 */
export async function runSteadyLoad(
  target: LoadTarget,
  options: SteadyLoadOptions,
): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const url = new URL(target.url);
  const body = target.body === undefined ? undefined : JSON.stringify(target.body);
  const headers = {
    ...target.headers,
    ...(body === undefined ? {} : { "content-type": "application/json" }),
  };
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  const inFlight = new Set<Promise<void>>();

  const send = () => {
    const sentAt = performance.now();
    const done = new Promise<void>((resolve) => {
      const req = request(url, { method: target.method ?? "GET", headers, agent }, (res) => {
        res.resume();
        res.on("end", () => {
          latencies.push(performance.now() - sentAt);
          const status = String(res.statusCode);
          statuses[status] = (statuses[status] ?? 0) + 1;
          resolve();
        });
      });
      req.setTimeout(10_000, () => req.destroy(new Error("timed out")));
      req.on("error", () => {
        errors += 1;
        resolve();
      });
      req.end(body);
    });
    inFlight.add(done);
    void done.then(() => inFlight.delete(done));
  };

  const total = Math.round(options.rate * options.seconds);
  const intervalMs = 1000 / options.rate;
  const startedAt = performance.now();
  await new Promise<void>((resolve) => {
    let sent = 0;
    const tick = () => {
      const due = Math.min(total, Math.floor((performance.now() - startedAt) / intervalMs) + 1);
      while (sent < due) {
        send();
        sent += 1;
      }
      if (sent >= total) return resolve();
      setTimeout(tick, Math.max(0, startedAt + sent * intervalMs - performance.now()));
    };
    tick();
  });
  while (inFlight.size > 0) await Promise.all(inFlight);
  const elapsedSeconds = (performance.now() - startedAt) / 1000;
  agent.destroy();
  return {
    requestsPerSecond: latencies.length / elapsedSeconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    requests: latencies.length,
    statuses,
    errors,
  };
}
