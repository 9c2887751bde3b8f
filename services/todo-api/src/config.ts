import { chaosEnvEntries, chaosSettings } from "@tracemesh/chaos";
import { envChoice, envInteger, envPort, envText, envUrl, parseEnv } from "@tracemesh/config";
import { shutdownEnvEntries, shutdownSettings } from "@tracemesh/http";
import { LOG_LEVELS } from "@tracemesh/logger";
import { streamTopology, streamTopologyEnvEntries } from "@tracemesh/queue";
import * as v from "valibot";

// Messages never echo the value: a bad DATABASE_URL may hold a password.

function isPostgresUrl(value: string): boolean {
  return URL.canParse(value) && /^postgres(ql)?:$/.test(new URL(value).protocol);
}

// A server as the NATS client takes it: a nats:// (or tls://) URL, or a bare host:port.
function isNatsServer(value: string): boolean {
  if (/^[A-Za-z0-9.-]+:\d{1,5}$/.test(value)) return true;
  return URL.canParse(value) && /^(nats|tls):$/.test(new URL(value).protocol);
}

const EnvFields = v.object({
  PORT: envPort(8080),
  // METRICS_PORT is the telemetry preload's, which reads and checks it before this runs.
  DATABASE_URL: v.optional(
    v.pipe(v.string(), v.trim(), v.check(isPostgresUrl, "must be a postgres:// URL")),
  ),
  DATA_DIR: envText(".data/todo-api"),
  DATABASE_CONNECT_TIMEOUT_MS: envInteger(2000, 1, 60_000),
  DATABASE_STATEMENT_TIMEOUT_MS: envInteger(5000, 1, 600_000),
  ...chaosEnvEntries,
  // Comma-separated servers, as the NATS client takes them.
  NATS_URL: v.optional(
    v.pipe(
      v.string(),
      v.trim(),
      v.check(
        (value) => value.split(",").every((each) => isNatsServer(each.trim())),
        "must be nats:// URLs or host:port, comma-separated",
      ),
    ),
    "nats://127.0.0.1:4222",
  ),
  // The same variables, names and checks as the notifier's: one topology (@tracemesh/queue).
  ...streamTopologyEnvEntries,
  REQUEST_BODY_LIMIT_BYTES: envInteger(65_536, 1, 10 * 1024 * 1024),
  // The time one request may take, an incoming X-Request-Timeout-Ms may only shorten it
  // (docs/architecture.md#deadlines-and-resilience).
  REQUEST_BUDGET_MS: envInteger(5000, 100, 120_000),
  ...shutdownEnvEntries,
  AUTH_URL: envUrl("http://127.0.0.1:8081"),
  AUTH_ATTEMPT_TIMEOUT_MS: envInteger(1000, 1, 60_000),
  AUTH_TOTAL_TIMEOUT_MS: envInteger(3000, 1, 120_000),
  AUTH_RETRY_MAX_ATTEMPTS: envInteger(3, 1, 10),
  AUTH_BREAKER_FAILURES: envInteger(5, 1, 1000),
  AUTH_BREAKER_HALF_OPEN_MS: envInteger(5000, 1, 600_000),
  AUTH_BULKHEAD_LIMIT: envInteger(32, 1, 10_000),
  AUTH_BULKHEAD_QUEUE: envInteger(32, 0, 10_000),
  // 0 turns the degraded reads off: every read then needs auth to answer.
  DECISION_CACHE_TTL_SECONDS: envInteger(60, 0, 3600),
  LOG_LEVEL: envChoice(LOG_LEVELS, "info"),
});

export const ConfigSchema = v.pipe(
  EnvFields,
  v.transform((env) => ({
    port: env.PORT,
    /** PostgreSQL when set; embedded PGlite in `dataDir` otherwise. */
    databaseUrl: env.DATABASE_URL,
    dataDir: env.DATA_DIR,
    databaseConnectTimeoutMs: env.DATABASE_CONNECT_TIMEOUT_MS,
    databaseStatementTimeoutMs: env.DATABASE_STATEMENT_TIMEOUT_MS,
    /**
     * undefined when chaos is off: `/error` and `/chaos` are then not mounted at all
     * (docs/architecture.md#chaos). Without CHAOS_TOKEN, `/error` (which needs no token) is mounted
     * and `/chaos` is not.
     */
    chaos: chaosSettings(env),
    /** Where the outbox relay publishes the todo events. */
    natsUrl: env.NATS_URL,
    /** The streams the relay ensures and publishes to. */
    topology: streamTopology(env),
    requestBodyLimitBytes: env.REQUEST_BODY_LIMIT_BYTES,
    requestBudgetMs: env.REQUEST_BUDGET_MS,
    shutdown: shutdownSettings(env),
    /**
     * How todo-api reaches auth (docs/architecture.md#deadlines-and-resilience: the policies,
     * outermost first).
     */
    auth: {
      url: env.AUTH_URL,
      timeouts: { attemptMs: env.AUTH_ATTEMPT_TIMEOUT_MS, totalMs: env.AUTH_TOTAL_TIMEOUT_MS },
      retry: { maxAttempts: env.AUTH_RETRY_MAX_ATTEMPTS },
      breaker: {
        consecutiveFailures: env.AUTH_BREAKER_FAILURES,
        halfOpenAfterMs: env.AUTH_BREAKER_HALF_OPEN_MS,
      },
      bulkhead: { limit: env.AUTH_BULKHEAD_LIMIT, queue: env.AUTH_BULKHEAD_QUEUE },
    },
    /** How long an allow decision may stand in for auth while it is unavailable (reads only). */
    decisionCacheTtlSeconds: env.DECISION_CACHE_TTL_SECONDS,
    logLevel: env.LOG_LEVEL,
  })),
);

export type Config = v.InferOutput<typeof ConfigSchema>;

/** Parses the environment once at start-up; throws a ConfigError naming the first bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  return parseEnv(ConfigSchema, env);
}
