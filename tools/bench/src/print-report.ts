import type { BenchResults } from "./bench-results.ts";
import type { MemoryReading } from "./memory-growth.ts";
import { cellMedians, medianOf, pairedRatio, roundRatios } from "./rounds.ts";
import type { TargetCheck } from "./targets.ts";

const num = (value: number | undefined, digits = 0) =>
  value === undefined || Number.isNaN(value) ? "-" : value.toFixed(digits);

const collected = (reading: MemoryReading) =>
  `${num(reading.collected?.rssMiB)} MiB (live heap ${num(reading.collected?.liveHeapMiB, 1)})`;

const roundsLine = (rounds: number) =>
  rounds === 1
    ? "throughput, breaker-open 503s and queue hop measured once"
    : `throughput, breaker-open 503s and queue hop measured ${rounds} times: medians below, each ratio the median of the rounds' own`;

// Three significant digits: a ratio of 0.8966 shows as 0.897, not as a 0.90 that missed ≥ 0.9.
const measuredValue = (value: number | undefined) =>
  value === undefined || Number.isNaN(value) ? "-" : String(Number(value.toPrecision(3)));

const ratios = (values: number[]) => values.map((value) => value.toFixed(2)).join(" ");

function throughputTable(results: BenchResults): string[] {
  const variants = ["telemetry on", "telemetry off", "bare twin"];
  const paths = [...new Set(results.throughput.map((r) => r.path))];
  const lines = [
    `${"path".padEnd(26)} ${variants.map((v) => v.padStart(22)).join(" ")} ${"on/off".padStart(7)} ${"on/bare".padStart(8)}  on/off by round`,
    `${"".padEnd(26)} ${variants.map(() => "req/s  p50  p99 ms".padStart(22)).join(" ")}`,
  ];
  for (const path of paths) {
    const row = variants.map((variant) => {
      const m = cellMedians(results, { variant, path });
      return (m ? `${num(m.requestsPerSecond)}  ${num(m.p50)}  ${num(m.p99)}` : "-").padStart(22);
    });
    const on = { variant: "telemetry on", path };
    const onOff = pairedRatio(results, on, { variant: "telemetry off", path });
    const onBare = pairedRatio(results, on, { variant: "bare twin", path });
    const byRound = roundRatios(results, on, { variant: "telemetry off", path });
    lines.push(
      `${path.padEnd(26)} ${row.join(" ")} ${num(onOff, 2).padStart(7)} ${num(onBare, 2).padStart(8)}  ${ratios(byRound)}`,
    );
  }
  return lines;
}

function queueHopLines(results: BenchResults): string[] {
  const rates = [...new Set(results.queueHop.map((hop) => hop.rate))];
  const variants = [...new Set(results.queueHop.map((hop) => hop.variant))];
  return rates.flatMap((rate) => [
    `queue hop, commit to delivery, todo-api on PostgreSQL, at ${rate} todos/s:`,
    ...variants.map((variant) => {
      const hops = results.queueHop.filter((hop) => hop.rate === rate && hop.variant === variant);
      const sum = (key: "created" | "delivered" | "deliveredTwice") =>
        hops.reduce((total, hop) => total + hop[key], 0);
      return `  ${variant.padEnd(13)} ${sum("created")} todos, ${sum("delivered")} delivered (${sum("deliveredTwice")} twice), p50 ${num(medianOf(hops, "p50"))} ms, p99 ${num(medianOf(hops, "p99"))} ms (by round: ${hops.map((hop) => num(hop.p99)).join(" ")})`;
    }),
  ]);
}

/** The run as a person reads it: throughput side by side, the other measurements, the targets. */
export function formatReport(results: BenchResults, targets: TargetCheck[]): string {
  const { breakerOpen: breaker, outboxDrain: drain } = results;
  const lines = [
    `tracemesh bench, ${results.startedAt} (${results.machine.cpus} CPUs, Node ${results.machine.node})`,
    `settings: ${Object.entries(results.settings)
      .map(([k, v]) => `${k}=${v}`)
      .join(" ")}`,
    roundsLine(results.settings.rounds ?? 1),
    "",
    ...throughputTable(results),
    "",
    `503 with auth down and the breaker open, asked ${results.settings.breakerRate ?? "-"}/s: ${num(medianOf(breaker, "requestsPerSecond"))} req/s, p50 ${num(medianOf(breaker, "p50"), 1)} ms, p99 ${num(medianOf(breaker, "p99"), 1)} ms (by round: ${breaker.map((round) => num(round.p99, 1)).join(" ")})`,
    ...queueHopLines(results),
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
    ...targets.map(
      (t) => `  ${t.met ? "✓" : "✗"} ${t.what}: ${measuredValue(t.measured)} (${t.bound})`,
    ),
  ];
  return `${lines.join("\n")}\n`;
}
