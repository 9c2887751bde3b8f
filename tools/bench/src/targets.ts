import type { BenchResults } from "./bench-results.ts";
import { medianOf, pairedRatio } from "./rounds.ts";

/** One promise of the issue's, as measured: a ratio or a bound, met or not. */
export interface TargetCheck {
  what: string;
  measured: number | undefined;
  /** "≥ 0.90", "≤ 5 ms" */
  bound: string;
  met: boolean;
}

function atLeast(
  what: string,
  measured: number | undefined,
  bound: number,
  unit = "",
): TargetCheck {
  return {
    what,
    measured,
    bound: `≥ ${bound}${unit}`,
    met: measured !== undefined && measured >= bound,
  };
}

function atMost(what: string, measured: number | undefined, bound: number, unit = ""): TargetCheck {
  return {
    what,
    measured,
    bound: `≤ ${bound}${unit}`,
    met: measured !== undefined && measured <= bound,
  };
}

const ratio = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined || b === 0 ? undefined : a / b;

const on = (path: string) => ({ variant: "telemetry on", path });

/** Each promise of the "Targets", checked against one run's results. */
export function checkTargets(results: BenchResults): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const paths = [...new Set(results.throughput.map((r) => r.path))];
  for (const path of paths) {
    const onOff = pairedRatio(results, on(path), { variant: "telemetry off", path });
    if (onOff !== undefined) checks.push(atLeast(`${path}: telemetry on / off`, onOff, 0.9));
  }
  for (const [error, ok] of [
    ["GET /v1/todos/:id → 404", "GET /v1/todos/:id → 200"],
    ["GET /v1/todos → 400", "GET /v1/todos"],
    ["GET /error → 500", "GET /health/live → 200"],
  ] as const) {
    checks.push(atLeast(`${error} / ${ok}`, pairedRatio(results, on(error), on(ok)), 0.9));
  }
  checks.push(
    atLeast(
      "GET /v1/todos: tracemesh (telemetry on) / bare twin",
      pairedRatio(results, on("GET /v1/todos"), { variant: "bare twin", path: "GET /v1/todos" }),
      0.5,
    ),
  );
  checks.push(
    atMost("503 with the breaker open: p99", medianOf(results.breakerOpen, "p99"), 5, " ms"),
  );
  const hops = results.queueHop.filter(
    (each) => each.variant === "telemetry on" && each.rate === results.settings.queueRate,
  );
  checks.push(atMost("queue hop at the set rate: p99", medianOf(hops, "p99"), 25, " ms"));
  checks.push(atLeast("outbox drain", results.outboxDrain?.eventsPerSecond, 2000, " events/s"));
  for (const startup of results.startup) {
    const isTodoApi = startup.service.startsWith("todo-api");
    checks.push(
      atMost(`${startup.service}: start to ready`, startup.readyMs, isTodoApi ? 2000 : 1500, " ms"),
    );
    // The idle bound is todo-api's on PostgreSQL: PGlite is a whole database in its process.
    if (startup.service !== "todo-api") {
      checks.push(atMost(`${startup.service}: memory idle`, startup.idleRssMiB, 120, " MiB"));
    }
  }
  // A leak is what the heap keeps once garbage is collected. Resident memory is no measure of
  // one: V8 collects lazily where memory is plenty, and keeps pages it freed.
  for (const memory of results.memory) {
    const growth = ratio(memory.after.collected?.liveHeapMiB, memory.warm.collected?.liveHeapMiB);
    checks.push(
      atMost(
        `${memory.service}: live heap growth over ${memory.requests} requests after warm-up`,
        growth === undefined ? undefined : (growth - 1) * 100,
        10,
        " %",
      ),
    );
  }
  return checks;
}
