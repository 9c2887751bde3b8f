import { LOG_LEVELS } from "@tracemesh/logger";
import * as v from "valibot";

const integer = (fallback: number, min: number, max: number) =>
  v.pipe(
    v.optional(v.string(), String(fallback)),
    v.trim(),
    v.regex(/^\d+$/, "must be a whole number"),
    v.transform(Number),
    v.minValue(min, `must be at least ${min}`),
    v.maxValue(max, `must be at most ${max}`),
  );

const boolean = (fallback: boolean) =>
  v.pipe(
    v.optional(v.string(), String(fallback)),
    v.trim(),
    v.toLowerCase(),
    v.picklist(["true", "false"], "must be true or false"),
    v.transform((value) => value === "true"),
  );

// Secrets compared with a bearer header: long enough that guessing is not an option.
const secret = v.optional(v.pipe(v.string(), v.minLength(16, "must be at least 16 characters")));

const nonEmpty = (fallback: string) =>
  v.pipe(v.optional(v.string(), fallback), v.trim(), v.nonEmpty("must not be empty"));

const EnvSchema = v.pipe(
  v.object({
    PORT: integer(8081, 0, 65_535),
    METRICS_PORT: integer(9465, 0, 65_535),
    LOG_LEVEL: v.optional(
      v.picklist(LOG_LEVELS, `must be one of ${LOG_LEVELS.join(", ")}`),
      "info",
    ),
    CHAOS_ENABLED: boolean(false),
    CHAOS_TOKEN: secret,
    SERVICE_TOKEN: secret,
    TOKEN_TTL_SECONDS: integer(900, 30, 86_400),
    TOKEN_ISSUER: nonEmpty("tracemesh-auth"),
    TOKEN_AUDIENCE: nonEmpty("tracemesh"),
    JWT_PRIVATE_KEY: v.optional(
      v.pipe(v.string(), v.includes("-----BEGIN PRIVATE KEY-----", "must be a PKCS#8 PEM")),
    ),
    LOGIN_RATE_LIMIT_WINDOW_SECONDS: integer(60, 1, 86_400),
    LOGIN_RATE_LIMIT_PER_CLIENT: integer(30, 1, 100_000),
    LOGIN_RATE_LIMIT_PER_USERNAME: integer(10, 1, 100_000),
    TRUSTED_PROXY_HOPS: integer(0, 0, 10),
    REQUEST_BUDGET_MS: integer(3000, 50, 120_000),
    SHUTDOWN_DRAIN_MS: integer(10_000, 0, 120_000),
  }),
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
    metricsPort: env.METRICS_PORT,
    logLevel: env.LOG_LEVEL,
    /** undefined when chaos is off: the /chaos routes are then not mounted at all. */
    chaos: env.CHAOS_ENABLED ? { token: env.CHAOS_TOKEN ?? "" } : undefined,
    /** Bearer secret of service-to-service calls (GET /v1/users/:id); unset refuses them all. */
    serviceToken: env.SERVICE_TOKEN,
    tokens: {
      issuer: env.TOKEN_ISSUER,
      audience: env.TOKEN_AUDIENCE,
      ttlSeconds: env.TOKEN_TTL_SECONDS,
      privateKeyPem: env.JWT_PRIVATE_KEY,
    },
    loginRateLimit: {
      windowMs: env.LOGIN_RATE_LIMIT_WINDOW_SECONDS * 1000,
      perClient: env.LOGIN_RATE_LIMIT_PER_CLIENT,
      perUsername: env.LOGIN_RATE_LIMIT_PER_USERNAME,
    },
    trustedProxyHops: env.TRUSTED_PROXY_HOPS,
    requestBudgetMs: env.REQUEST_BUDGET_MS,
    shutdownDrainMs: env.SHUTDOWN_DRAIN_MS,
  })),
);

export type Config = v.InferOutput<typeof ConfigSchema>;

/** A bad environment variable, named, without its value (it may be a secret). */
export class ConfigError extends Error {
  readonly variable: string;
  constructor(variable: string, issue: string) {
    super(`${variable} ${issue}`);
    this.name = "ConfigError";
    this.variable = variable;
  }
}

/** Parses the environment once at start-up; throws a ConfigError naming the first bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // `FOO=` (as compose files write unset variables) means "use the default", not "empty".
  const set = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ""));
  const result = v.safeParse(ConfigSchema, set);
  if (result.success) return result.output;
  const [issue] = result.issues;
  throw new ConfigError(
    issue ? (v.getDotPath(issue) ?? "environment") : "environment",
    issue?.message ?? "is invalid",
  );
}
