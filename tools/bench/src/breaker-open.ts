import type { Mesh } from "@tracemesh/mesh";
import { type LoadResult, runLoad } from "./http-load.ts";
import { runSteadyLoad } from "./steady-load.ts";

const WARM_UP_SECONDS = 2;

/** The 503s answered while the breaker is open, in one round. */
export type BreakerOpenResult = LoadResult;

/**
 * Makes auth unavailable through its /chaos controls, sends writes until todo-api's breaker
 * for auth is open (its 503s come at once), then sends `POST /v1/todos` at a steady `rate` a
 * second (after a warm-up at that rate) for `rounds` rounds of `seconds`: every answer a 503
 * SERVICE_UNAVAILABLE the breaker gave. Clears the fault afterwards.
 */
export async function measureBreakerOpen(
  mesh: Mesh,
  token: string,
  options: { seconds: number; rate: number; rounds: number },
): Promise<BreakerOpenResult[]> {
  const chaos = (method: string, body?: unknown) =>
    fetch(`${mesh.urls.auth}/chaos`, {
      method,
      headers: {
        authorization: `Bearer ${mesh.secrets.chaosToken}`,
        "content-type": "application/json",
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const write = {
    url: `${mesh.urls["todo-api"]}/v1/todos`,
    method: "POST" as const,
    headers: { authorization: `Bearer ${token}` },
    body: { title: "auth is down" },
  };
  await chaos("PUT", { unavailable: true, ttlSeconds: 300 });
  try {
    // Enough failures to open the breaker (AUTH_BREAKER_FAILURES, 5 by default).
    await runLoad(write, { connections: 1, amount: 20 });
    // A warm-up at the same rate, as every throughput cell has one: the first second of a path
    // no request took before is the compiler's, and its pauses are no 503's latency.
    const { seconds, rate } = options;
    await runSteadyLoad(write, { rate, seconds: WARM_UP_SECONDS });
    const rounds: BreakerOpenResult[] = [];
    while (rounds.length < options.rounds) {
      const result = await runSteadyLoad(write, { rate, seconds });
      if (Object.keys(result.statuses).some((status) => status !== "503")) {
        throw new Error(`with auth down, writes answered ${JSON.stringify(result.statuses)}`);
      }
      rounds.push(result);
    }
    return rounds;
  } finally {
    await chaos("DELETE");
  }
}
