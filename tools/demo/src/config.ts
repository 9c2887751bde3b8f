import { envChoice, envInteger, envText, envUrl, parseEnv } from "@tracemesh/config";
import { DEFAULT_PORTS, type MeshPorts } from "@tracemesh/mesh";
import * as v from "valibot";

const port = (fallback: number) => envInteger(fallback, 1, 65_535);

const EnvSchema = v.object({
  TODO_API_PORT: port(DEFAULT_PORTS.todoApi),
  TODO_API_METRICS_PORT: port(DEFAULT_PORTS.todoApiMetrics),
  AUTH_PORT: port(DEFAULT_PORTS.auth),
  AUTH_METRICS_PORT: port(DEFAULT_PORTS.authMetrics),
  NOTIFIER_PORT: port(DEFAULT_PORTS.notifier),
  NOTIFIER_METRICS_PORT: port(DEFAULT_PORTS.notifierMetrics),
  OTLP_PORT: port(DEFAULT_PORTS.otlp),
  /** Wanted ports: a free one is taken when another program has it. */
  PROMETHEUS_PORT: port(DEFAULT_PORTS.prometheus),
  ALERTMANAGER_PORT: port(DEFAULT_PORTS.alertmanager),
  NATS_URL: v.optional(
    v.pipe(v.string(), v.trim(), v.url("must be a URL")),
    "nats://127.0.0.1:4222",
  ),
  /** "private": always a nats-server of the demo's own, never the shared one at NATS_URL. */
  DEMO_NATS: envChoice(["auto", "private"], "auto"),
  /** "off": no Prometheus and Alertmanager even when they are installed. */
  DEMO_ALERTING: envChoice(["when-installed", "required", "off"], "when-installed"),
  /** Logs, the embedded database and Prometheus's data of this run; emptied at start. */
  DEMO_DATA_DIR: envText(".data/demo"),
  JAEGER_QUERY_URL: envUrl("http://127.0.0.1:16686"),
  /** Where nats-server, prometheus and alertmanager are looked for (then the system's folders). */
  PATH: v.optional(v.string(), ""),
});

export type DemoConfig = v.InferOutput<typeof EnvSchema> & {
  /** `--once`: report and stop, instead of leaving the services running. */
  once: boolean;
  ports: MeshPorts;
  /** What the services inherit, under the demo's own settings: OTEL_*, LOG_LEVEL, PATH… */
  inheritedEnv: Record<string, string | undefined>;
};

/** Parses the demo's settings once; throws a ConfigError naming the first bad variable. */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  argv: string[] = process.argv.slice(2),
): DemoConfig {
  const parsed = parseEnv(EnvSchema, env);
  return {
    ...parsed,
    once: argv.includes("--once"),
    ports: {
      todoApi: parsed.TODO_API_PORT,
      todoApiMetrics: parsed.TODO_API_METRICS_PORT,
      auth: parsed.AUTH_PORT,
      authMetrics: parsed.AUTH_METRICS_PORT,
      notifier: parsed.NOTIFIER_PORT,
      notifierMetrics: parsed.NOTIFIER_METRICS_PORT,
      otlp: parsed.OTLP_PORT,
      prometheus: parsed.PROMETHEUS_PORT,
      alertmanager: parsed.ALERTMANAGER_PORT,
    },
    inheritedEnv: env,
  };
}
