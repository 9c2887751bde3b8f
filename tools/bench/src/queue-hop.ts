import type { Mesh } from "@tracemesh/mesh";
import { runLoad } from "./http-load.ts";
import { percentile } from "./percentile.ts";

export interface QueueHopResult {
  created: number;
  delivered: number;
  /** From the todo's commit (its event's time) to the notifier's delivery line, milliseconds. */
  p50: number;
  p99: number;
}

interface DeliveredTodo {
  event?: string;
  kind?: string;
  timestamp?: string;
  notification?: { time?: string };
}

/**
 * Creates todos at `rate` a second for `seconds`, then reads, for each, the time from its
 * commit (the event's `time`, the todo's creation) to the notifier's `notification.delivered`
 * line: the queue hop, outbox and relay included.
 */
export async function measureQueueHop(
  mesh: Mesh,
  token: string,
  options: { rate: number; seconds: number },
): Promise<QueueHopResult> {
  const notifier = mesh.services.notifier;
  if (!notifier) throw new Error("the queue hop needs the notifier (and NATS)");
  const since = Date.now();
  const load = await runLoad(
    {
      url: `${mesh.urls["todo-api"]}/v1/todos`,
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
      body: { title: "queue hop" },
    },
    // Enough connections that the rate is kept while each write waits for auth and the database.
    { connections: 32, seconds: options.seconds, rate: options.rate },
  );
  const created = load.statuses["201"] ?? 0;
  const deliveries = () =>
    (notifier.logs() as DeliveredTodo[]).filter(
      (line) =>
        line.event === "notification.delivered" &&
        line.kind === "todo" &&
        Date.parse(line.notification?.time ?? "") >= since,
    );
  const deadline = Date.now() + 60_000;
  while (deliveries().length < created && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const latencies = deliveries().map(
    (line) => Date.parse(line.timestamp ?? "") - Date.parse(line.notification?.time ?? ""),
  );
  return {
    created,
    delivered: latencies.length,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}
