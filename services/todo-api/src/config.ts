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

const Flag = v.pipe(
  v.string(),
  v.trim(),
  v.toLowerCase(),
  v.picklist(["true", "false"], 'must be "true" or "false"'),
  v.transform((value) => value === "true"),
);

function isPostgresUrl(value: string): boolean {
  return URL.canParse(value) && /^postgres(ql)?:$/.test(new URL(value).protocol);
}

const EnvSchema = v.object({
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
  REQUEST_BODY_LIMIT_BYTES: v.optional(positiveInteger(10 * 1024 * 1024), "65536"),
  LOG_LEVEL: v.optional(v.picklist(LOG_LEVELS, `must be one of ${LOG_LEVELS.join(", ")}`), "info"),
});

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
    chaosEnabled: env.CHAOS_ENABLED,
    requestBodyLimitBytes: env.REQUEST_BODY_LIMIT_BYTES,
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
