import { type Meter, metrics } from "@opentelemetry/api";
import { withoutTracing } from "@tracemesh/queue";
import { createDeadline, type Deadline } from "@tracemesh/resilience";
import type { OutboxBacklog } from "../storage/outbox.ts";

export interface OutboxMetricsOptions {
  /**
   * Reads the backlog, within `deadline` (a DependencyError past it); called on each collection
   * (each Prometheus scrape).
   */
  backlog: (deadline: Deadline) => Promise<OutboxBacklog>;
  /** @default the global meter provider's "@tracemesh/todo-api" meter */
  meter?: Meter;
  /** Told when readings start to fail: once per outage, not at every scrape. */
  onReadFailed?: (error: unknown) => void;
  /**
   * The reading's deadline, well under Prometheus's scrape timeout (4 s): a stalled database
   * must cost the scrape these gauges, not the whole scrape (which would read as todo-api
   * down). @default 1000
   */
  readTimeoutMs?: number;
}

/**
 * The outbox's gauges, read from the table at each scrape: `tracemesh_outbox_pending`,
 * `tracemesh_outbox_parked` and `tracemesh_outbox_oldest_pending_age` (seconds), what the
 * OutboxEventsStuck and OutboxRowsParked alerts watch. A failed reading (the database away,
 * or too slow to answer within `readTimeoutMs`) reports nothing that scrape rather than a stale
 * value; the service carries on.
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
  const { readTimeoutMs = 1000 } = options;
  let failing = false;
  meter.addBatchObservableCallback(
    async (result) => {
      const deadline = createDeadline(readTimeoutMs);
      try {
        // The scrape is not a request: its query starts no trace.
        const backlog = await withoutTracing(() => options.backlog(deadline));
        failing = false;
        result.observe(pending, backlog.pending);
        result.observe(parked, backlog.parked);
        result.observe(oldestAge, backlog.oldestPendingAgeSeconds);
      } catch (error) {
        if (!failing) options.onReadFailed?.(error);
        failing = true;
      } finally {
        deadline.dispose();
      }
    },
    [pending, parked, oldestAge],
  );
}
