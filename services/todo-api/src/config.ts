import { LOG_LEVELS } from "@tracemesh/logger";
import * as v from "valibot";

// Messages never echo the value: a bad DATABASE_URL may hold a password.
const PORT_MESSAGE = "must be a port number between 1 and 65535";
const Port = v.pipe(
  v.string(),
  v.trim(),
  v.digits(PORT_MESSAGE),
  v.transform(Number),
  v.minValue(1, PORT_MESSAGE),
  v.maxValue(65535, PORT_MESSAGE),
);

function positiveInteger(max: number) {
  const message = `must be a whole number between 1 and ${max}`;
  return v.pipe(
    v.string(),
    v.trim(),
    v.digits(message),
    v.transform(Number),
    v.minValue(1, message),
    v.maxValue(max, message),
  );
}

function wholeNumber(min: number, max: number) {
  const message = `must be a whole number between ${min} and ${max}`;
  return v.pipe(
    v.string(),
    v.trim(),
    v.digits(message),
    v.transform(Number),
    v.minValue(min, message),
    v.maxValue(max, message),
  );
}

const Flag = v.pipe(
  v.string(),
  v.trim(),
  v.toLowerCase(),
  v.picklist(["true", "false"], 'must be "true" or "false"'),
  v.transform((value) => value === "true"),
);

function isHttpUrl(value: string): boolean {
  return URL.canParse(value) && /^https?:$/.test(new URL(value).protocol);
}

function isPostgresUrl(value: string): boolean {
  return URL.canParse(value) && /^postgres(ql)?:$/.test(new URL(value).protocol);
}

// Compared with a bearer header: long enough that guessing is not an option.
const Secret = v.pipe(v.string(), v.minLength(16, "must be at least 16 characters"));

// A server as the NATS client takes it: a nats:// (or tls://) URL, or a bare host:port.
function isNatsServer(value: string): boolean {
  if (/^[A-Za-z0-9.-]+:\d{1,5}$/.test(value)) return true;
  return URL.canParse(value) && /^(nats|tls):$/.test(new URL(value).protocol);
}

const EnvFields = v.object({
  PORT: v.optional(Port, "8080"),
  METRICS_PORT: v.optional(Port, "9464"),
  DATABASE_URL: v.optional(
    v.pipe(v.string(), v.trim(), v.check(isPostgresUrl, "must be a postgres:// URL")),
  ),
  DATA_DIR: v.optional(
    v.pipe(v.string(), v.trim(), v.nonEmpty("must not be empty")),
    ".data/todo-api",
  ),
  DATABASE_CONNECT_TIMEOUT_MS: v.optional(positiveInteger(60_000), "2000"),
  DATABASE_STATEMENT_TIMEOUT_MS: v.optional(positiveInteger(600_000), "5000"),
  CHAOS_ENABLED: v.optional(Flag, "false"),
  CHAOS_TOKEN: v.optional(Secret),
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
  REQUEST_BODY_LIMIT_BYTES: v.optional(positiveInteger(10 * 1024 * 1024), "65536"),
  // The time one request may take, an incoming X-Request-Timeout-Ms may only shorten it (DESIGN §6).
  REQUEST_BUDGET_MS: v.optional(wholeNumber(100, 120_000), "5000"),
  AUTH_URL: v.optional(
    v.pipe(v.string(), v.trim(), v.check(isHttpUrl, "must be an http:// or https:// URL")),
    "http://127.0.0.1:8081",
  ),
  AUTH_ATTEMPT_TIMEOUT_MS: v.optional(positiveInteger(60_000), "1000"),
  AUTH_TOTAL_TIMEOUT_MS: v.optional(positiveInteger(120_000), "3000"),
  AUTH_RETRY_MAX_ATTEMPTS: v.optional(positiveInteger(10), "3"),
  AUTH_BREAKER_FAILURES: v.optional(positiveInteger(1000), "5"),
  AUTH_BREAKER_HALF_OPEN_MS: v.optional(positiveInteger(600_000), "5000"),
  AUTH_BULKHEAD_LIMIT: v.optional(positiveInteger(10_000), "32"),
  AUTH_BULKHEAD_QUEUE: v.optional(wholeNumber(0, 10_000), "32"),
  // 0 turns the degraded reads off: every read then needs auth to answer.
  DECISION_CACHE_TTL_SECONDS: v.optional(wholeNumber(0, 3600), "60"),
  LOG_LEVEL: v.optional(v.picklist(LOG_LEVELS, `must be one of ${LOG_LEVELS.join(", ")}`), "info"),
});

const EnvSchema = v.pipe(
  EnvFields,
  v.forward(
    v.check(
      (env) => !env.CHAOS_ENABLED || env.CHAOS_TOKEN !== undefined,
      "is required when CHAOS_ENABLED=true",
    ),
    ["CHAOS_TOKEN"],
  ),
);

export const ConfigSchema = v.pipe(
  EnvSchema,
  v.transform((env) => ({
    port: env.PORT,
    /** Served by the telemetry preload (which reads METRICS_PORT itself); checked here too. */
    metricsPort: env.METRICS_PORT,
    /** PostgreSQL when set; embedded PGlite in `dataDir` otherwise. */
    databaseUrl: env.DATABASE_URL,
    dataDir: env.DATA_DIR,
    databaseConnectTimeoutMs: env.DATABASE_CONNECT_TIMEOUT_MS,
    databaseStatementTimeoutMs: env.DATABASE_STATEMENT_TIMEOUT_MS,
    /** undefined when chaos is off: `/error` and `/chaos` are then not mounted at all (DESIGN §8). */
    chaos: env.CHAOS_ENABLED ? { token: env.CHAOS_TOKEN ?? "" } : undefined,
    /** Where the outbox relay publishes the todo events. */
    natsUrl: env.NATS_URL,
    requestBodyLimitBytes: env.REQUEST_BODY_LIMIT_BYTES,
    requestBudgetMs: env.REQUEST_BUDGET_MS,
    /** How todo-api reaches auth (DESIGN §6 policies, outermost first in the client). */
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

/** A bad setting, named by its environment variable. */
export class ConfigError extends Error {
  readonly variable: string;
  readonly issue: string;
  constructor(variable: string, issue: string) {
    super(`${variable} ${issue}`);
    this.name = "ConfigError";
    this.variable = variable;
    this.issue = issue;
  }
}

/** Parses the service's settings; an empty variable counts as unset. @throws ConfigError */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const set = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ""));
  const result = v.safeParse(ConfigSchema, set);
  if (result.success) return result.output;
  const [issue] = result.issues;
  throw new ConfigError(v.getDotPath(issue) ?? "environment", issue.message);
}

/**
 * The configuration from `process.env` (the only place the service reads it). A bad value
 * ends the process: one fatal JSON line naming the variable, exit code 1.
 */
export function loadConfig(): Config {
  try {
    return parseConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const line = {
      timestamp: new Date().toISOString(),
      level: "fatal",
      service: "todo-api",
      event: "config.invalid",
      variable: error.variable,
      issue: error.issue,
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
    process.exit(1);
  }
}
