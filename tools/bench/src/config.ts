import { envInteger, parseEnv } from "@tracemesh/config";
import * as v from "valibot";

const EnvSchema = v.object({
  /** Seconds each throughput cell runs in a round, and each round of the breaker-open 503s. */
  BENCH_SECONDS: envInteger(5, 1, 600),
  /**
   * Times every measurement under load is repeated (throughput, breaker-open 503s, queue hop):
   * the report takes medians, and ratios round by round, so one slow moment of a shared machine
   * does not decide a number.
   */
  BENCH_ROUNDS: envInteger(3, 1, 20),
  /** Concurrent connections of the load generator. */
  BENCH_CONNECTIONS: envInteger(8, 1, 1000),
  /** Requests before the memory reading "after load". */
  BENCH_REQUESTS: envInteger(100_000, 1000, 10_000_000),
  /** Events created while NATS is down, then timed draining. */
  BENCH_OUTBOX_EVENTS: envInteger(10_000, 100, 1_000_000),
  /**
   * 503s a second asked for while the breaker is open: a load a service sees, not the most it can
   * take, so that the latency is the 503's own and not a queue's.
   */
  BENCH_BREAKER_RATE: envInteger(500, 1, 100_000),
  /** Todos created a second while the queue hop is timed, and for how long in each round. */
  BENCH_QUEUE_RATE: envInteger(200, 1, 10_000),
  BENCH_QUEUE_SECONDS: envInteger(10, 1, 600),
  /**
   * A PostgreSQL role that may CREATE DATABASE: the queue hop, the outbox drain and memory are
   * measured with todo-api on a database of the run's own there, as in production.
   */
  BENCH_DATABASE_URL: v.optional(v.string(), "postgres://postgres@127.0.0.1:5432/postgres"),
  /** Where nats-server is looked for. */
  PATH: v.optional(v.string(), ""),
});

export type BenchConfig = v.InferOutput<typeof EnvSchema>;

/** What `--quick` shortens: one round of short phases. The rates and connections stay. */
const QUICK = {
  BENCH_SECONDS: 3,
  BENCH_ROUNDS: 1,
  BENCH_REQUESTS: 5_000,
  BENCH_OUTBOX_EVENTS: 500,
  BENCH_QUEUE_SECONDS: 3,
} as const;

/**
 * Settings of `pnpm bench` from BENCH_* variables. `--quick` gives the durations, rounds and
 * counts smaller defaults (QUICK); a variable that is set still wins.
 */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  argv: string[] = process.argv.slice(2),
): BenchConfig {
  const config = parseEnv(EnvSchema, env);
  if (!argv.includes("--quick")) return config;
  const unset = Object.entries(QUICK).filter(([name]) => (env[name] ?? "") === "");
  return { ...config, ...Object.fromEntries(unset) };
}
