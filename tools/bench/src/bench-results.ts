import type { BreakerOpenResult } from "./breaker-open.ts";
import type { LoadResult } from "./http-load.ts";
import type { MemoryGrowthResult } from "./memory-growth.ts";
import type { OutboxDrainResult } from "./outbox-drain.ts";
import type { QueueHopResult } from "./queue-hop.ts";
import type { StartupResult } from "./startup.ts";

/** One path's numbers on one variant ("telemetry on", "telemetry off", "bare twin"), in one round. */
export interface ThroughputResult extends LoadResult {
  variant: string;
  path: string;
  /** 0, 1, …: every load is measured BENCH_ROUNDS times, and the report takes medians. */
  round: number;
}

/** The queue hop at one rate on one variant ("telemetry on", "telemetry off"), in one round. */
export interface QueueHopRound extends QueueHopResult {
  variant: string;
  round: number;
}

/** Everything one `pnpm bench` run measured, as written to .data/bench/. */
export interface BenchResults {
  startedAt: string;
  machine: { cpus: number; node: string };
  settings: Record<string, number>;
  throughput: ThroughputResult[];
  /** One a round. */
  breakerOpen: BreakerOpenResult[];
  /** At a light rate, then at BENCH_QUEUE_RATE, each with telemetry on and off in every round. */
  queueHop: QueueHopRound[];
  outboxDrain: Omit<OutboxDrainResult, "nats"> | undefined;
  startup: StartupResult[];
  memory: MemoryGrowthResult[];
}
