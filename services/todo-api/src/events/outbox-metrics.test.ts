import { recordingMeter } from "@tracemesh/testing";
import { describe, expect, test } from "vitest";
import type { OutboxBacklog } from "../storage/outbox.ts";
import { observeOutboxBacklog } from "./outbox-metrics.ts";

describe("outbox gauges", () => {
  test("report the backlog read at each collection", async () => {
    const { meter, collect } = recordingMeter();
    let backlog: OutboxBacklog = { pending: 3, parked: 1, oldestPendingAgeSeconds: 42.5 };
    observeOutboxBacklog({ backlog: async () => backlog, meter });

    expect(await collect()).toEqual([
      { name: "tracemesh.outbox.pending", value: 3, attributes: {} },
      { name: "tracemesh.outbox.parked", value: 1, attributes: {} },
      { name: "tracemesh.outbox.oldest_pending_age", value: 42.5, attributes: {} },
    ]);
    backlog = { pending: 0, parked: 1, oldestPendingAgeSeconds: 0 };
    expect((await collect()).map((m) => m.value)).toEqual([0, 1, 0]);
  });

  test("a reading that fails reports nothing, says so once, and the next one reports again", async () => {
    const { meter, collect } = recordingMeter();
    const failures: unknown[] = [];
    let down = true;
    observeOutboxBacklog({
      backlog: async () => {
        if (down) throw new Error("database unavailable");
        return { pending: 1, parked: 0, oldestPendingAgeSeconds: 2 };
      },
      meter,
      onReadFailed: (error) => failures.push(error),
    });

    expect(await collect()).toEqual([]);
    expect(await collect()).toEqual([]);
    expect(failures).toHaveLength(1);
    down = false;
    expect(await collect()).toHaveLength(3);
  });

  test("a reading gets readTimeoutMs: one the database does not answer in time costs the scrape these gauges, not the whole scrape", async () => {
    const { meter, collect } = recordingMeter();
    const failures: unknown[] = [];
    const budgets: number[] = [];
    observeOutboxBacklog({
      // As the SQL client does: it gives up when the deadline ends.
      backlog: (deadline) => {
        budgets.push(deadline.remainingMs());
        return new Promise<OutboxBacklog>((_, reject) => {
          deadline.signal.addEventListener("abort", () => reject(new Error("deadline passed")));
        });
      },
      meter,
      readTimeoutMs: 50,
      onReadFailed: (error) => failures.push(error),
    });

    expect(await collect()).toEqual([]);
    expect(budgets[0]).toBeLessThanOrEqual(50);
    expect(budgets[0]).toBeGreaterThan(0);
    expect(failures).toEqual([new Error("deadline passed")]);
  });
});
