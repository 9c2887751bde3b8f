import { chaosEnvEntries, chaosSettings } from "@tracemesh/chaos";
import {
  envChoice,
  envInteger,
  envPort,
  envSecret,
  envText,
  envUrl,
  parseEnv,
} from "@tracemesh/config";
import { shutdownEnvEntries, shutdownSettings } from "@tracemesh/http";
import { LOG_LEVELS } from "@tracemesh/logger";
import { eventTopology, eventTopologyEnvEntries, QUEUE_DEFAULTS } from "@tracemesh/queue";
import * as v from "valibot";

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

const EnvSchema = v.object({
  // METRICS_PORT is the telemetry preload's, which reads and checks it before this runs.
  PORT: envPort(8082),
  LOG_LEVEL: envChoice(LOG_LEVELS, "info"),
  ...chaosEnvEntries,
  NATS_URL: envText("nats://127.0.0.1:4222"),
  AUTH_URL: envUrl("http://127.0.0.1:8081"),
  SERVICE_TOKEN: envSecret,
  ALERTS_TOKEN: envSecret,
  // Credentials in the URL would be dropped (the calls go to its origin and path, and fetch
  // refuses a URL that has them): a webhook's secret goes in its path or query.
  NOTIFY_WEBHOOK_URL: v.pipe(
    envUrl(),
    v.check((url) => {
      if (url === undefined) return true;
      const { username, password } = new URL(url);
      return username === "" && password === "";
    }, "must carry no user:password@ (put a secret in the path or query instead)"),
  ),
  // One POST, and all of its retries: a receiver slower than the attempt fails every time.
  NOTIFY_WEBHOOK_ATTEMPT_TIMEOUT_MS: envInteger(2_000, 1, 120_000),
  NOTIFY_WEBHOOK_TOTAL_TIMEOUT_MS: envInteger(5_000, 1, 300_000),
  // Jaeger's query API v3 (or the local OTLP sink), where error alerts find an example trace.
  TRACE_QUERY_URL: envUrl(),
  TRACE_UI_URL: envUrl(),
  TRACE_LOOKUP_TIMEOUT_MS: envInteger(2_000, 100, 30_000),
  // The same variables, names and checks as todo-api's: one topology (@tracemesh/queue).
  ...eventTopologyEnvEntries,
  MAX_DELIVER: envInteger(QUEUE_DEFAULTS.maxDeliver, 1, 100),
  BACKOFF_MS: backoffList,
  // Events handled at once; a todo's own stay in order. Each waits on auth (the owner's profile)
  // and a webhook: one at a time would hold the queue hop to one round trip after another.
  CONSUMER_CONCURRENCY: envInteger(8, 1, 256),
  MESSAGE_BUDGET_MS: envInteger(10_000, 100, 300_000),
  REQUEST_BUDGET_MS: envInteger(5_000, 50, 120_000),
  ...shutdownEnvEntries,
});

export const ConfigSchema = v.pipe(
  EnvSchema,
  // An alert's example trace is looked up within the request's budget, before its delivery.
  v.forward(
    v.check(
      (env) => env.TRACE_LOOKUP_TIMEOUT_MS < env.REQUEST_BUDGET_MS,
      "must be shorter than REQUEST_BUDGET_MS, which the alert's delivery needs too",
    ),
    ["TRACE_LOOKUP_TIMEOUT_MS"],
  ),
  v.transform((env) => ({
    port: env.PORT,
    logLevel: env.LOG_LEVEL,
    /**
     * undefined when chaos is off: its controls must then not exist at all
     * (docs/architecture.md#chaos).
     */
    chaos: chaosSettings(env),
    natsUrl: env.NATS_URL,
    authUrl: env.AUTH_URL,
    /** Bearer secret of `GET /v1/users/:id` at auth; unset, auth refuses the calls. */
    serviceToken: env.SERVICE_TOKEN,
    /** Bearer secret Alertmanager presents on `POST /v1/alerts`; unset refuses every call. */
    alertsToken: env.ALERTS_TOKEN,
    /** undefined: notifications are delivered as `notification.delivered` log lines. */
    webhookUrl: env.NOTIFY_WEBHOOK_URL,
    webhookTimeouts: {
      attemptMs: env.NOTIFY_WEBHOOK_ATTEMPT_TIMEOUT_MS,
      totalMs: env.NOTIFY_WEBHOOK_TOTAL_TIMEOUT_MS,
    },
    /** undefined: alerts go out without an example trace. */
    traces:
      env.TRACE_QUERY_URL === undefined
        ? undefined
        : {
            queryUrl: env.TRACE_QUERY_URL,
            /** Base of the trace links; Jaeger serves its UI and query API on one port. */
            uiUrl: env.TRACE_UI_URL ?? env.TRACE_QUERY_URL,
            /** The longest an alert notification waits for its example trace. */
            lookupTimeoutMs: env.TRACE_LOOKUP_TIMEOUT_MS,
          },
    topology: eventTopology(env),
    maxDeliver: env.MAX_DELIVER,
    backoffMs: env.BACKOFF_MS,
    concurrency: env.CONSUMER_CONCURRENCY,
    messageBudgetMs: env.MESSAGE_BUDGET_MS,
    requestBudgetMs: env.REQUEST_BUDGET_MS,
    shutdown: shutdownSettings(env),
  })),
);

export type Config = v.InferOutput<typeof ConfigSchema>;

/** Parses the environment once at start-up; throws a ConfigError naming the first bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  return parseEnv(ConfigSchema, env);
}
