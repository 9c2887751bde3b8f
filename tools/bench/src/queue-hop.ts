import type { Mesh } from "@tracemesh/mesh";
import { percentile } from "./percentile.ts";
import { runSteadyLoad } from "./steady-load.ts";

export interface QueueHopResult {
  /** Todos asked for a second. */
  rate: number;
  /** Todos created (201). */
  created: number;
  /** Distinct notifications delivered. */
  delivered: number;
  /** Notifications delivered more than once: at-least-once at work, or a bug. */
  deliveredTwice: number;
  /** From the todo's commit (its event's time) to the notifier's delivery line, milliseconds. */
  p50: number;
  p99: number;
}

interface DeliveredTodo {
  event?: string;
  notificationId?: string;
  kind?: string;
  timestamp?: string;
  notification?: { time?: string };
}

/**
 * Creates todos at a steady `rate` a second for `seconds`, then reads, for each, the time from its
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
  const load = await runSteadyLoad(
    {
      url: `${mesh.urls["todo-api"]}/v1/todos`,
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
      body: { title: "queue hop" },
    },
    { seconds: options.seconds, rate: options.rate },
  );
  const created = load.statuses["201"] ?? 0;
  // Each notification's first delivery, read from the notifier's log as it grows.
  const first = new Map<string | undefined, DeliveredTodo>();
  let read = 0;
  let deliveries = 0;
  const readDeliveries = () => {
    const lines = notifier.logs() as DeliveredTodo[];
    for (; read < lines.length; read++) {
      const line = lines[read] as DeliveredTodo;
      if (line.event !== "notification.delivered" || line.kind !== "todo") continue;
      if (Date.parse(line.notification?.time ?? "") < since) continue;
      deliveries += 1;
      if (!first.has(line.notificationId)) first.set(line.notificationId, line);
    }
  };
  const deadline = Date.now() + 60_000;
  for (readDeliveries(); first.size < created && Date.now() < deadline; readDeliveries()) {
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const latencies = [...first.values()].map(
    (line) => Date.parse(line.timestamp ?? "") - Date.parse(line.notification?.time ?? ""),
  );
  return {
    rate: options.rate,
    created,
    delivered: latencies.length,
    deliveredTwice: deliveries - first.size,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}
