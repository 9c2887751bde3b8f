import type { BenchResults, ThroughputResult } from "./bench-results.ts";

/**
 * The middle value, or the mean of the two middle ones of an even count (with BENCH_ROUNDS=4, the
 * lower middle alone would report the better of two p99s and the worse of two ratios); NaN for none.
 */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length % 2 === 1) return sorted[middle] ?? Number.NaN;
  const lower = sorted[middle - 1];
  const upper = sorted[middle];
  return lower === undefined || upper === undefined ? Number.NaN : (lower + upper) / 2;
}

/**
 * The order to measure `items` in round `round`: as given, and reversed every other round, so
 * that none always follows the same one (and the moment it leaves behind).
 */
export function inRoundOrder<T>(items: readonly T[], round: number): readonly T[] {
  return round % 2 === 0 ? items : [...items].reverse();
}

/** One throughput cell: a path on a variant ("telemetry on", "telemetry off", "bare twin"). */
export interface Cell {
  variant: string;
  path: string;
}

/** The cell's measurements, one a round, in round order. */
export function roundsOf(results: BenchResults, cell: Cell): ThroughputResult[] {
  return results.throughput
    .filter((r) => r.variant === cell.variant && r.path === cell.path)
    .sort((a, b) => a.round - b.round);
}

/** The cell's medians over its rounds; undefined when it was not measured. */
export function cellMedians(
  results: BenchResults,
  cell: Cell,
): { requestsPerSecond: number; p50: number; p99: number } | undefined {
  const rounds = roundsOf(results, cell);
  if (rounds.length === 0) return undefined;
  const of = (key: "requestsPerSecond" | "p50" | "p99") => median(rounds.map((r) => r[key]));
  return { requestsPerSecond: of("requestsPerSecond"), p50: of("p50"), p99: of("p99") };
}

/**
 * `a` over `b` in each round both were measured in. A round measures every cell within a couple
 * of minutes, the variants of a path back to back, so a slow moment of a shared machine weighs on
 * both sides of a round's ratio, where it would tip a ratio of two cells measured far apart.
 */
export function roundRatios(results: BenchResults, a: Cell, b: Cell): number[] {
  const bRounds = new Map(roundsOf(results, b).map((r) => [r.round, r.requestsPerSecond]));
  return roundsOf(results, a).flatMap((r) => {
    const divisor = bRounds.get(r.round);
    return divisor === undefined || divisor === 0 ? [] : [r.requestsPerSecond / divisor];
  });
}

/** The median of `roundRatios`; undefined when no round measured both. */
export function pairedRatio(results: BenchResults, a: Cell, b: Cell): number | undefined {
  const ratios = roundRatios(results, a, b);
  return ratios.length === 0 ? undefined : median(ratios);
}

/** The median of one number over rounds (a p99, say); undefined when there was no round. */
export function medianOf<K extends string>(
  rounds: readonly Record<K, number>[],
  key: K,
): number | undefined {
  return rounds.length === 0 ? undefined : median(rounds.map((round) => round[key]));
}
