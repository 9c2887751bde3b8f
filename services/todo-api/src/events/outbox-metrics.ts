import { type Meter, metrics } from "@opentelemetry/api";
import { withoutTracing } from "@tracemesh/queue";
import type { OutboxBacklog } from "../storage/outbox.ts";

export interface OutboxMetricsOptions {
  /** Reads the backlog; called on each collection (each Prometheus scrape). */
  backlog: () => Promise<OutboxBacklog>;
  /** @default the global meter provider's "@tracemesh/todo-api" meter */
  meter?: Meter;
  /** Told when readings start to fail: once per outage, not at every scrape. */
  onReadFailed?: (error: unknown) => void;
}

/**
 * The outbox's gauges, read from the table at each scrape: `tracemesh_outbox_pending`,
 * `tracemesh_outbox_parked` and `tracemesh_outbox_oldest_pending_age` (seconds), what the
 * OutboxEventsStuck and OutboxRowsParked alerts watch. A failed reading (the database away)
 * reports nothing that scrape rather than a stale value; the service carries on.
 */
export function observeOutboxBacklog(options: OutboxMetricsOptions): void {
  const meter = options.meter ?? metrics.getMeter("@tracemesh/todo-api");
  const pending = meter.createObservableGauge("tracemesh.outbox.pending", {
    description: "Outbox rows waiting to be published to NATS.",
    unit: "{event}",
  });
  const parked = meter.createObservableGauge("tracemesh.outbox.parked", {
    description: "Outbox rows no retry can publish (malformed, too large), kept for a person.",
    unit: "{event}",
  });
  const oldestAge = meter.createObservableGauge("tracemesh.outbox.oldest_pending_age", {
    description: "Age of the oldest outbox row waiting to be published; 0 when none waits.",
    unit: "s",
  });
  let failing = false;
  meter.addBatchObservableCallback(
    async (result) => {
      try {
        // The scrape is not a request: its query starts no trace.
        const backlog = await withoutTracing(() => options.backlog());
        failing = false;
        result.observe(pending, backlog.pending);
        result.observe(parked, backlog.parked);
        result.observe(oldestAge, backlog.oldestPendingAgeSeconds);
      } catch (error) {
        if (!failing) options.onReadFailed?.(error);
        failing = true;
      }
    },
    [pending, parked, oldestAge],
  );
}
