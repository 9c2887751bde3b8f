import autocannon from "autocannon";

/** One request shape to load a server with. */
export interface LoadTarget {
  url: string;
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  headers?: Record<string, string>;
  /** Sent as JSON. */
  body?: unknown;
}

export interface LoadOptions {
  connections: number;
  /** Run for this long... */
  seconds?: number;
  /** ...or until this many requests are done. */
  amount?: number;
}

/** What one load run measured. */
export interface LoadResult {
  requestsPerSecond: number;
  /** Latency percentiles, milliseconds. */
  p50: number;
  p99: number;
  requests: number;
  /** Responses by status. */
  statuses: Record<string, number>;
  /** Requests that got no response (refused, reset, timed out). */
  errors: number;
}

/**
 * Loads `target` with autocannon, a real HTTP load generator, as fast as the server answers (a
 * closed model: each connection sends its next request once the last is answered), and reads
 * its numbers. For a set rate, steady-load.ts.
 */
export async function runLoad(target: LoadTarget, options: LoadOptions): Promise<LoadResult> {
  const result = await autocannon({
    url: target.url,
    method: target.method ?? "GET",
    headers: {
      ...target.headers,
      ...(target.body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: target.body === undefined ? undefined : JSON.stringify(target.body),
    connections: options.connections,
    // Its own thread, so that the bench's own work never delays a request or its timing.
    workers: 1,
    ...(options.amount === undefined
      ? { duration: options.seconds ?? 10 }
      : { amount: options.amount }),
  });
  const statuses: Record<string, number> = {};
  for (const [status, stat] of Object.entries(result.statusCodeStats ?? {})) {
    statuses[status] = (stat as { count: number }).count;
  }
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    statuses,
    errors: result.errors + result.timeouts,
  };
}
