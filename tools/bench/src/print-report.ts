import type { BenchResults } from "./bench-results.ts";
import type { MemoryReading } from "./memory-growth.ts";
import type { TargetCheck } from "./targets.ts";

const num = (value: number | undefined, digits = 0) =>
  value === undefined || Number.isNaN(value) ? "-" : value.toFixed(digits);

const collected = (reading: MemoryReading) =>
  `${num(reading.collected?.rssMiB)} MiB (live heap ${num(reading.collected?.liveHeapMiB, 1)})`;

function throughputTable(results: BenchResults): string[] {
  const variants = ["telemetry on", "telemetry off", "bare twin"];
  const paths = [...new Set(results.throughput.map((r) => r.path))];
  const cell = (variant: string, path: string) =>
    results.throughput.find((r) => r.variant === variant && r.path === path);
  const lines = [
    `${"path".padEnd(26)} ${variants.map((v) => v.padStart(22)).join(" ")} ${"on/off".padStart(7)} ${"on/bare".padStart(8)}`,
    `${"".padEnd(26)} ${variants.map(() => "req/s  p50  p99 ms".padStart(22)).join(" ")}`,
  ];
  for (const path of paths) {
    const row = variants.map((variant) => {
      const r = cell(variant, path);
      return (r ? `${num(r.requestsPerSecond)}  ${num(r.p50)}  ${num(r.p99)}` : "-").padStart(22);
    });
    const on = cell("telemetry on", path)?.requestsPerSecond;
    const off = cell("telemetry off", path)?.requestsPerSecond;
    const bare = cell("bare twin", path)?.requestsPerSecond;
    const r = (a?: number, b?: number) => (a && b ? (a / b).toFixed(2) : "-");
    lines.push(
      `${path.padEnd(26)} ${row.join(" ")} ${r(on, off).padStart(7)} ${r(on, bare).padStart(8)}`,
    );
  }
  return lines;
}

/** The run as a person reads it: throughput side by side, the other measurements, the targets. */
export function formatReport(results: BenchResults, targets: TargetCheck[]): string {
  const { breakerOpen: breaker, outboxDrain: drain } = results;
  const lines = [
    `tracemesh bench, ${results.startedAt} (${results.machine.cpus} CPUs, Node ${results.machine.node})`,
    `settings: ${Object.entries(results.settings)
      .map(([k, v]) => `${k}=${v}`)
      .join(" ")}`,
    "",
    ...throughputTable(results),
    "",
    `503 with auth down and the breaker open, asked ${results.settings.breakerRate ?? "-"}/s: ${num(breaker?.requestsPerSecond)} req/s, p50 ${num(breaker?.p50, 1)} ms, p99 ${num(breaker?.p99, 1)} ms`,
    ...results.queueHop.map(
      (hop) =>
        `queue hop, commit to delivery, todo-api on PostgreSQL, ${hop.created} todos at ${hop.rate}/s: ${hop.delivered} delivered (${hop.deliveredTwice} twice), p50 ${num(hop.p50)} ms, p99 ${num(hop.p99)} ms`,
    ),
    `outbox drain after a NATS outage: ${drain?.events ?? 0} events in ${num(drain?.drainMs)} ms (${num(drain?.eventsPerSecond)} events/s), first publish ${num(drain?.reconnectMs)} ms after NATS was back`,
    ...results.startup.map(
      (s) =>
        `${s.service.padEnd(9)} start to ready ${num(s.readyMs)} ms, idle ${num(s.idleRssMiB)} MiB (${num(s.idleFileMiB)} of it mapped from files, mostly the node binary)`,
    ),
    ...results.memory.flatMap((m) => [
      `${m.service.padEnd(9)} resident memory idle ${num(m.idle.rssMiB)} MiB, warm ${num(m.warm.rssMiB)} MiB, after ${m.requests} requests ${num(m.after.rssMiB)} MiB`,
      `${"".padEnd(9)} after a full GC: ${collected(m.idle)}, ${collected(m.warm)}, ${collected(m.after)}`,
    ]),
    "",
    "targets:",
    ...targets.map((t) => `  ${t.met ? "✓" : "✗"} ${t.what}: ${num(t.measured, 2)} (${t.bound})`),
  ];
  return `${lines.join("\n")}\n`;
}
