import { describe, expect, test } from "vitest";
import type { BenchResults, QueueHopRound, ThroughputResult } from "./bench-results.ts";
import { checkTargets } from "./targets.ts";

function row(
  variant: string,
  path: string,
  requestsPerSecond: number,
  round = 0,
): ThroughputResult {
  return {
    variant,
    path,
    round,
    requestsPerSecond,
    p50: 1,
    p99: 2,
    requests: 1000,
    statuses: {},
    errors: 0,
  };
}

function hop(variant: string, round: number, rate: number): QueueHopRound {
  const created = rate * 10;
  return { variant, round, rate, created, delivered: created, deliveredTwice: 0, p50: 8, p99: 0 };
}

function results(overrides: Partial<BenchResults> = {}): BenchResults {
  return {
    startedAt: "2026-12-06T10:00:00.000Z",
    machine: { cpus: 2, node: "24.21.0" },
    settings: { queueRate: 200 },
    throughput: [
      row("telemetry on", "GET /v1/todos", 950),
      row("telemetry off", "GET /v1/todos", 1000),
      row("bare twin", "GET /v1/todos", 1500),
      row("telemetry on", "GET /v1/todos/:id → 200", 1000),
      row("telemetry off", "GET /v1/todos/:id → 200", 1200),
      row("telemetry on", "GET /v1/todos/:id → 404", 950),
      row("telemetry on", "GET /v1/todos → 400", 2000),
      row("telemetry on", "GET /health/live → 200", 5000),
      row("telemetry on", "GET /error → 500", 4000),
    ],
    breakerOpen: [
      {
        requestsPerSecond: 500,
        p50: 1,
        p99: 4,
        requests: 500,
        statuses: { "503": 500 },
        errors: 0,
      },
    ],
    queueHop: [
      { ...hop("telemetry on", 0, 20), p99: 12 },
      { ...hop("telemetry on", 0, 200), p99: 30 },
      { ...hop("telemetry off", 0, 200), p99: 20 },
    ],
    outboxDrain: { events: 10_000, reconnectMs: 400, drainMs: 4000, eventsPerSecond: 2500 },
    startup: [
      { service: "auth", readyMs: 900, idleRssMiB: 100, idleFileMiB: 50 },
      { service: "todo-api", readyMs: 2500, idleRssMiB: 150, idleFileMiB: 50 },
      { service: "todo-api on PostgreSQL", readyMs: 1200, idleRssMiB: 110, idleFileMiB: 50 },
    ],
    memory: [
      {
        service: "todo-api",
        idle: { rssMiB: 110, collected: { rssMiB: 105, liveHeapMiB: 25 } },
        warm: { rssMiB: 380, collected: { rssMiB: 160, liveHeapMiB: 27 } },
        // Resident memory grew with V8's lazy collection; the live heap after a GC grew 15 %.
        after: { rssMiB: 390, collected: { rssMiB: 184, liveHeapMiB: 31.05 } },
        requests: 100_000,
      },
    ],
    ...overrides,
  };
}

const verdict = (what: string) => checkTargets(results()).find((t) => t.what === what);

describe("the issue's targets, checked against one run", () => {
  test("telemetry on / off per path", () => {
    expect(verdict("GET /v1/todos: telemetry on / off")).toMatchObject({
      measured: 0.95,
      met: true,
    });
    expect(verdict("GET /v1/todos/:id → 200: telemetry on / off")?.met).toBe(false);
  });

  test("error paths against their 200 path", () => {
    expect(verdict("GET /v1/todos/:id → 404 / GET /v1/todos/:id → 200")).toMatchObject({
      met: true,
    });
    expect(verdict("GET /error → 500 / GET /health/live → 200")).toMatchObject({
      measured: 0.8,
      met: false,
    });
  });

  test("tracemesh against the bare twin", () => {
    expect(verdict("GET /v1/todos: tracemesh (telemetry on) / bare twin")).toMatchObject({
      met: true,
    });
  });

  test("bounds: breaker-open p99, queue hop p99, drain rate, start-up, memory", () => {
    expect(verdict("503 with the breaker open: p99")?.met).toBe(true);
    // The hop at the set rate (200/s), not the light one, and with telemetry on.
    expect(verdict("queue hop at the set rate: p99")).toMatchObject({ measured: 30, met: false });
    expect(verdict("outbox drain")?.met).toBe(true);
    expect(verdict("auth: start to ready")?.met).toBe(true);
    expect(verdict("todo-api: start to ready")?.met).toBe(false);
    expect(verdict("todo-api on PostgreSQL: start to ready")?.met).toBe(true);
    // The idle bound is todo-api's on PostgreSQL; on PGlite it is reported, not held to it.
    expect(verdict("todo-api on PostgreSQL: memory idle")?.met).toBe(true);
    expect(verdict("todo-api: memory idle")).toBeUndefined();
    const growth = verdict("todo-api: live heap growth over 100000 requests after warm-up");
    expect(growth?.measured).toBeCloseTo(15);
    expect(growth?.met).toBe(false);
  });

  test("over rounds: each ratio is taken within a round, each bound on the median round", () => {
    const path = "GET /v1/todos";
    const run = results({
      throughput: [
        // Round 1 caught telemetry on alone in a slow moment; round 2 caught both.
        ...[1000, 500, 520].map((rps, round) => row("telemetry on", path, rps, round)),
        ...[1050, 1020, 560].map((rps, round) => row("telemetry off", path, rps, round)),
      ],
      breakerOpen: [4, 12, 3].map((p99) => ({
        requestsPerSecond: 500,
        p50: 1,
        p99,
        requests: 2500,
        statuses: { "503": 2500 },
        errors: 0,
      })),
      queueHop: [30, 20, 24].flatMap((p99, round) => [
        { ...hop("telemetry on", round, 20), p99: 90 },
        { ...hop("telemetry on", round, 200), p99 },
        { ...hop("telemetry off", round, 200), p99: 10 },
      ]),
    });
    const check = (what: string) => checkTargets(run).find((t) => t.what === what);
    // 0.95, 0.49 and 0.93 by round: the median is 0.93, where the medians apart (520 / 1020)
    // would say 0.51.
    expect(check(`${path}: telemetry on / off`)?.measured).toBeCloseTo(520 / 560);
    expect(check(`${path}: telemetry on / off`)?.met).toBe(true);
    expect(check("503 with the breaker open: p99")).toMatchObject({ measured: 4, met: true });
    expect(check("queue hop at the set rate: p99")).toMatchObject({ measured: 24, met: true });
  });

  test("something not measured is not met", () => {
    const checks = checkTargets(results({ breakerOpen: [] }));
    expect(checks.find((t) => t.what === "503 with the breaker open: p99")).toMatchObject({
      measured: undefined,
      met: false,
    });
  });
});
