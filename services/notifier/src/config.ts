import { LOG_LEVELS } from "@tracemesh/logger";
import { QUEUE_DEFAULTS } from "@tracemesh/queue";
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

const httpUrl = (message: string) =>
  v.pipe(
    v.string(),
    v.trim(),
    v.url(message),
    v.check((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), message),
  );

// JetStream stream, consumer and KV bucket names: no dots, wildcards or spaces.
const natsName = (fallback: string) =>
  v.pipe(
    v.optional(v.string(), fallback),
    v.trim(),
    v.regex(/^[A-Za-z0-9_-]{1,64}$/, "must be letters, digits, _ or - (at most 64)"),
  );

// A subject prefix: dot-separated tokens without wildcards (the stream takes `<prefix>.>`).
const subjectPrefix = (fallback: string) =>
  v.pipe(
    v.optional(v.string(), fallback),
    v.trim(),
    v.regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, "must be dot-separated tokens, no wildcards"),
  );

const backoffList = v.pipe(
  v.optional(v.string(), QUEUE_DEFAULTS.backoffMs.join(",")),
  v.trim(),
  v.regex(/^\d+(\s*,\s*\d+)*$/, "must be a comma-separated list of milliseconds"),
  v.transform((value) => value.split(",").map((each) => Number(each.trim()))),
  v.check(
    (delays) => delays.every((ms) => ms >= 1 && ms <= 3_600_000),
    "each delay must be between 1 and 3600000 ms",
  ),
);

const EnvSchema = v.pipe(
  v.object({
    PORT: integer(8082, 0, 65_535),
    METRICS_PORT: integer(9466, 0, 65_535),
    LOG_LEVEL: v.optional(
      v.picklist(LOG_LEVELS, `must be one of ${LOG_LEVELS.join(", ")}`),
      "info",
    ),
    CHAOS_ENABLED: boolean(false),
    CHAOS_TOKEN: secret,
    NATS_URL: v.pipe(v.optional(v.string(), "nats://127.0.0.1:4222"), v.trim(), v.nonEmpty()),
    AUTH_URL: v.optional(httpUrl("must be an http(s) URL"), "http://127.0.0.1:8081"),
    SERVICE_TOKEN: secret,
    ALERTS_TOKEN: secret,
    NOTIFY_WEBHOOK_URL: v.optional(httpUrl("must be an http(s) URL")),
    EVENTS_STREAM: natsName(QUEUE_DEFAULTS.stream),
    EVENTS_SUBJECT_PREFIX: subjectPrefix(QUEUE_DEFAULTS.subjectPrefix),
    DEAD_LETTER_STREAM: natsName(QUEUE_DEFAULTS.deadLetterStream),
    DEAD_LETTER_SUBJECT_PREFIX: subjectPrefix(QUEUE_DEFAULTS.deadLetterSubjectPrefix),
    CONSUMER_NAME: natsName(QUEUE_DEFAULTS.consumer),
    PROCESSED_EVENTS_BUCKET: natsName("notifier_processed_events"),
    MAX_DELIVER: integer(QUEUE_DEFAULTS.maxDeliver, 1, 100),
    BACKOFF_MS: backoffList,
    CONSUMER_CONCURRENCY: integer(1, 1, 256),
    MESSAGE_BUDGET_MS: integer(10_000, 100, 300_000),
    REQUEST_BUDGET_MS: integer(5_000, 50, 120_000),
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
    /** undefined when chaos is off: its controls must then not exist at all (DESIGN §8). */
    chaos: env.CHAOS_ENABLED ? { token: env.CHAOS_TOKEN ?? "" } : undefined,
    natsUrl: env.NATS_URL,
    authUrl: env.AUTH_URL,
    /** Bearer secret of `GET /v1/users/:id` at auth; unset, auth refuses the calls. */
    serviceToken: env.SERVICE_TOKEN,
    /** Bearer secret Alertmanager presents on `POST /v1/alerts`; unset refuses every call. */
    alertsToken: env.ALERTS_TOKEN,
    /** undefined: notifications are delivered as `notification.delivered` log lines. */
    webhookUrl: env.NOTIFY_WEBHOOK_URL,
    topology: {
      stream: env.EVENTS_STREAM,
      subjectPrefix: env.EVENTS_SUBJECT_PREFIX,
      deadLetterStream: env.DEAD_LETTER_STREAM,
      deadLetterSubjectPrefix: env.DEAD_LETTER_SUBJECT_PREFIX,
      consumer: env.CONSUMER_NAME,
      processedEventsBucket: env.PROCESSED_EVENTS_BUCKET,
    },
    maxDeliver: env.MAX_DELIVER,
    backoffMs: env.BACKOFF_MS,
    concurrency: env.CONSUMER_CONCURRENCY,
    messageBudgetMs: env.MESSAGE_BUDGET_MS,
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
