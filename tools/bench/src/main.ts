import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { configOrExit } from "@tracemesh/config";
import { INTERRUPTED_EXIT_CODE, REPO_ROOT, stopOnSignals } from "@tracemesh/mesh";
import { startBareTwin } from "./bare-twin/start-bare-twin.ts";
import { startBenchMesh, startTraceSink } from "./bench-mesh.ts";
import type { BenchResults, QueueHopRound, ThroughputResult } from "./bench-results.ts";
import { measureBreakerOpen } from "./breaker-open.ts";
import { loadConfig } from "./config.ts";
import { measureMemoryGrowth } from "./memory-growth.ts";
import { measureOutboxDrain } from "./outbox-drain.ts";
import { formatReport } from "./print-report.ts";
import { measureQueueHop } from "./queue-hop.ts";
import { inRoundOrder } from "./rounds.ts";
import { createScratchDatabase } from "./scratch-database.ts";
import { measureStartup } from "./startup.ts";
import { checkTargets } from "./targets.ts";
import { createTodo, measurePath, type PathCase, pathCases, type Variant } from "./throughput.ts";

const config = configOrExit("bench", () => loadConfig());
const LIGHT_QUEUE_RATE = 20;
/**
 * The first second at a new rate had hops of 0.1–0.6 s where the rest had tens of milliseconds:
 * like every throughput cell, the hop is measured once warm.
 */
const QUEUE_WARM_UP_SECONDS = 3;
const say = (text: string) => process.stderr.write(`${text}\n`);
const runDir = join(REPO_ROOT, ".data/bench");
await mkdir(runDir, { recursive: true });
const dataDir = await mkdtemp(join(runDir, "run-"));
const load = { connections: config.BENCH_CONNECTIONS, seconds: config.BENCH_SECONDS };
/** Cleanups for what the run started and created, run newest first by cleanUp. */
const cleanups: (() => Promise<unknown>)[] = [];
/** Starts under way: a signal meanwhile waits for them, so that what they start is stopped too. */
const starting = new Set<Promise<unknown>>();

/** Awaits `start`, registering its cleanup the moment it is done. */
async function started<T>(
  start: Promise<T>,
  cleanupOf: (value: T) => () => Promise<unknown>,
): Promise<T> {
  const registered = start.then((value) => {
    cleanups.push(cleanupOf(value));
    return value;
  });
  starting.add(registered);
  try {
    return await registered;
  } finally {
    starting.delete(registered);
  }
}

let cleaningUp: Promise<void> | undefined;
/** Runs every cleanup once, whichever asks first: the run's end, or a signal in the middle of it. */
function cleanUp(): Promise<void> {
  cleaningUp ??= (async () => {
    await Promise.allSettled([...starting]);
    for (let cleanup = cleanups.pop(); cleanup; cleanup = cleanups.pop()) {
      await cleanup().catch(() => {});
    }
  })();
  return cleaningUp;
}
// Ctrl-C, a stop or a closed terminal in the middle of a run stops its meshes and drops its
// scratch databases, which would otherwise stay on the machine's PostgreSQL. An interrupted run
// exits with INTERRUPTED_EXIT_CODE, as a shell reports a Ctrl-C.
let interrupted = false;
stopOnSignals(() => {
  interrupted = true;
  // Under `pnpm bench | tee`, Ctrl-C ends the reader too: a write to its closed pipe must not
  // end this process before it has cleaned up.
  for (const output of [process.stdout, process.stderr]) output.on("error", () => {});
  say("\ninterrupted: stopping the meshes and dropping the scratch databases");
  void cleanUp().then(() => process.exit(INTERRUPTED_EXIT_CODE));
});

async function variantOf(name: string, baseUrl: string, token: string): Promise<Variant> {
  return { name, baseUrl, token, todoId: await createTodo(baseUrl, token) };
}

async function run(): Promise<BenchResults> {
  const startedAt = new Date().toISOString();
  // First, so that a machine without the PostgreSQL of BENCH_DATABASE_URL fails at once.
  const scratchDatabase = () =>
    started(createScratchDatabase(config.BENCH_DATABASE_URL), (created) => created.drop);
  const database = await scratchDatabase();
  const databaseOff = await scratchDatabase();
  const sink = await started(startTraceSink(dataDir), (running) => running.stop);
  say("starting two meshes side by side: telemetry on, and OTEL_SDK_DISABLED=true");
  const meshOf = async (name: string, telemetry: boolean, databaseUrl?: string) => {
    const start = startBenchMesh({
      dataDir: join(dataDir, name),
      traceSinkUrl: sink.url,
      telemetry,
      searchPath: config.PATH,
      databaseUrl,
    });
    return started(start, (bench) => () => bench.mesh.stop());
  };
  const on = await meshOf("on", true);
  // The queue hop and the drain come after minutes of throughput: say now what they will miss.
  if (!on.mesh.services.notifier) {
    throw new Error(
      "no NATS for the notifier: the bench starts a nats-server of its own, so install one (Debian: apt-get install nats-server) or put it on PATH",
    );
  }
  const off = await meshOf("off", false);
  const twin = await started(
    startBareTwin({
      jwksUrl: `${on.mesh.urls.auth}/.well-known/jwks.json`,
      dataDir: join(dataDir, "bare"),
    }),
    (running) => running.stop,
  );
  // alice's token from the real auth: the bare twin checks it against the same keys.
  const variants = [
    await variantOf("telemetry on", on.mesh.urls["todo-api"], on.token),
    await variantOf("telemetry off", off.mesh.urls["todo-api"], off.token),
    await variantOf("bare twin", twin.todoApiUrl, on.token),
  ];

  // Each path on each variant in turn, so that a noisy moment spoils one cell, not a column, and
  // all of it in every round: the report takes medians, and each ratio round by round.
  say(
    `throughput: every path on each variant, one after the other, in ${config.BENCH_ROUNDS} round(s) (a short warm-up first)`,
  );
  const throughput: ThroughputResult[] = [];
  const takes = (path: PathCase) => (variant: Variant) =>
    variant.name !== "bare twin" || path.onBareTwin;
  for (const path of pathCases()) {
    for (const variant of variants.filter(takes(path))) {
      await measurePath(variant, path, { ...load, seconds: 2 });
    }
  }
  for (let round = 0; round < config.BENCH_ROUNDS; round++) {
    for (const path of pathCases()) {
      for (const variant of inRoundOrder(variants, round).filter(takes(path))) {
        const result = await measurePath(variant, path, load);
        throughput.push({ ...result, variant: variant.name, path: path.name, round });
      }
    }
  }

  say("503s with auth down and todo-api's breaker open");
  const breakerOpen = await measureBreakerOpen(on.mesh, on.token, {
    seconds: config.BENCH_SECONDS,
    rate: config.BENCH_BREAKER_RATE,
    rounds: config.BENCH_ROUNDS,
  });
  say("two meshes with todo-api on PostgreSQL (BENCH_DATABASE_URL): telemetry on, and off");
  const postgres = await meshOf("postgres", true, database.url);
  // Beside it for the queue hop only: whether a missed hop is the telemetry's or the machine's.
  const postgresOff = await meshOf("postgres-off", false, databaseOff.url);
  const hopVariants = [
    { variant: "telemetry on", bench: postgres },
    { variant: "telemetry off", bench: postgresOff },
  ];
  // A light rate first, well within what one machine takes, then the set one.
  const queueHop: QueueHopRound[] = [];
  for (const rate of [LIGHT_QUEUE_RATE, config.BENCH_QUEUE_RATE]) {
    say(`the queue hop at ${rate} todos/s, telemetry on and off in turn (a short warm-up first)`);
    // Its todos delivered before the measured ones are created, so they are not counted.
    for (const { bench } of hopVariants) {
      await measureQueueHop(bench.mesh, bench.token, { rate, seconds: QUEUE_WARM_UP_SECONDS });
    }
    for (let round = 0; round < config.BENCH_ROUNDS; round++) {
      for (const { variant, bench } of inRoundOrder(hopVariants, round)) {
        const hop = await measureQueueHop(bench.mesh, bench.token, {
          rate,
          seconds: config.BENCH_QUEUE_SECONDS,
        });
        queueHop.push({ ...hop, variant, round });
      }
    }
  }
  say(`memory over ${config.BENCH_REQUESTS} requests`);
  const memory = await measureMemoryGrowth(
    postgres.mesh,
    postgres.token,
    await createTodo(postgres.mesh.urls["todo-api"], postgres.token),
    { requests: config.BENCH_REQUESTS, connections: config.BENCH_CONNECTIONS },
  );
  say("start-up, each service alone");
  const startup = await measureStartup(postgres.mesh, {
    runs: 3,
    searchPath: config.PATH,
    traceSinkUrl: sink.url,
    databaseUrl: database.url,
  });
  say(`the outbox draining ${config.BENCH_OUTBOX_EVENTS} events after a NATS outage`);
  const { nats, ...outboxDrain } = await measureOutboxDrain(postgres.mesh, postgres.token, {
    events: config.BENCH_OUTBOX_EVENTS,
    searchPath: config.PATH,
  });
  cleanups.unshift(nats.stop);
  return {
    startedAt,
    machine: { cpus: availableParallelism(), node: process.versions.node },
    settings: {
      seconds: config.BENCH_SECONDS,
      rounds: config.BENCH_ROUNDS,
      connections: config.BENCH_CONNECTIONS,
      requests: config.BENCH_REQUESTS,
      outboxEvents: config.BENCH_OUTBOX_EVENTS,
      queueRate: config.BENCH_QUEUE_RATE,
      queueSeconds: config.BENCH_QUEUE_SECONDS,
      breakerRate: config.BENCH_BREAKER_RATE,
    },
    throughput,
    breakerOpen,
    queueHop,
    outboxDrain,
    startup,
    memory,
  };
}

try {
  const results = await run();
  const targets = checkTargets(results);
  process.stdout.write(formatReport(results, targets));
  const file = join(runDir, `${results.startedAt.replaceAll(":", "-")}.json`);
  await writeFile(file, `${JSON.stringify({ ...results, targets }, null, 2)}\n`);
  say(`\nwritten to ${file}`);
} catch (error) {
  // A signal stops the services too, so the run fails: that is the signal's news, not this.
  // Cleaning up first also gives a signal that came with the failure time to be handled.
  await cleanUp();
  if (!interrupted) throw error;
} finally {
  await cleanUp();
}
