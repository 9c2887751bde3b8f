import { describe, expect, test } from "vitest";
import type { BenchResults, ThroughputResult } from "./bench-results.ts";
import { cellMedians, inRoundOrder, median, pairedRatio, roundRatios } from "./rounds.ts";

function cell(variant: string, round: number, requestsPerSecond: number): ThroughputResult {
  const p99 = 100_000 / requestsPerSecond;
  return {
    variant,
    path: "GET /v1/todos",
    round,
    requestsPerSecond,
    p50: p99 / 4,
    p99,
    requests: 1000,
    statuses: {},
    errors: 0,
  };
}

function run(throughput: ThroughputResult[]): BenchResults {
  return {
    startedAt: "2026-12-06T10:00:00.000Z",
    machine: { cpus: 2, node: "24.21.0" },
    settings: { rounds: 3 },
    throughput,
    breakerOpen: [],
    queueHop: [],
    outboxDrain: undefined,
    startup: [],
    memory: [],
  };
}

const on = { variant: "telemetry on", path: "GET /v1/todos" };
const off = { variant: "telemetry off", path: "GET /v1/todos" };

describe("numbers over rounds", () => {
  test("the median: the middle one, the mean of the two middle ones, or none", () => {
    expect(median([9, 1, 5])).toBe(5);
    expect(median([9, 1, 5, 3])).toBe(4);
    expect(median([7])).toBe(7);
    expect(median([])).toBeNaN();
  });

  test("a cell's medians over its rounds, each number on its own", () => {
    const results = run([
      cell("telemetry on", 2, 400),
      cell("telemetry on", 0, 1000),
      cell("telemetry on", 1, 800),
    ]);
    expect(cellMedians(results, on)).toEqual({ requestsPerSecond: 800, p50: 31.25, p99: 125 });
    expect(cellMedians(results, off)).toBeUndefined();
  });

  test("ratios pair the same round, and a round missing one side gives none", () => {
    const results = run([
      cell("telemetry on", 0, 900),
      cell("telemetry on", 1, 450),
      cell("telemetry on", 2, 700),
      cell("telemetry off", 2, 1000),
      cell("telemetry off", 0, 1000),
    ]);
    expect(roundRatios(results, on, off)).toEqual([0.9, 0.7]);
    // Of an even count, the mean of the two middle ones: neither round decides alone.
    expect(pairedRatio(results, on, off)).toBeCloseTo(0.8, 10);
    expect(
      pairedRatio(results, on, { variant: "bare twin", path: "GET /v1/todos" }),
    ).toBeUndefined();
  });
});

test("rounds take turns in order: as given, then reversed, then as given", () => {
  const variants = ["telemetry on", "telemetry off", "bare twin"];
  expect([0, 1, 2].map((round) => inRoundOrder(variants, round)[0])).toEqual([
    "telemetry on",
    "bare twin",
    "telemetry on",
  ]);
  expect(variants).toEqual(["telemetry on", "telemetry off", "bare twin"]);
});
