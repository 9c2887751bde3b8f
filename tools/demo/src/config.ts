import { envChoice, envInteger, envText, envUrl, parseEnv } from "@tracemesh/config";
import * as v from "valibot";

const port = (fallback: number) => envInteger(fallback, 1, 65_535);

const EnvSchema = v.object({
  TODO_API_PORT: port(8080),
  TODO_API_METRICS_PORT: port(9464),
  AUTH_PORT: port(8081),
  AUTH_METRICS_PORT: port(9465),
  NOTIFIER_PORT: port(8082),
  NOTIFIER_METRICS_PORT: port(9466),
  OTLP_PORT: port(4318),
  NATS_URL: v.optional(
    v.pipe(v.string(), v.trim(), v.url("must be a URL")),
    "nats://127.0.0.1:4222",
  ),
  /** "private": always a nats-server of the demo's own, never the shared one at NATS_URL. */
  DEMO_NATS: envChoice(["auto", "private"], "auto"),
  /** Logs and the embedded database of this run; emptied at start. */
  DEMO_DATA_DIR: envText(".data/demo"),
  JAEGER_QUERY_URL: envUrl("http://127.0.0.1:16686"),
  /** Where an installed nats-server is looked for (then /usr/sbin). */
  PATH: v.optional(v.string(), ""),
});

export type DemoConfig = v.InferOutput<typeof EnvSchema> & {
  /** `--once`: report and stop, instead of leaving the services running. */
  once: boolean;
  /** What the services inherit, under the demo's own settings: OTEL_*, LOG_LEVEL, PATH… */
  inheritedEnv: Record<string, string | undefined>;
};

/** Parses the demo's settings once; throws a ConfigError naming the first bad variable. */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  argv: string[] = process.argv.slice(2),
): DemoConfig {
  return { ...parseEnv(EnvSchema, env), once: argv.includes("--once"), inheritedEnv: env };
}
