import * as v from "valibot";

const Port = v.pipe(v.string(), v.digits(), v.transform(Number), v.minValue(1), v.maxValue(65535));

const EnvSchema = v.object({
  TODO_API_PORT: v.optional(Port, "8080"),
  TODO_API_METRICS_PORT: v.optional(Port, "9464"),
  AUTH_PORT: v.optional(Port, "8081"),
  AUTH_METRICS_PORT: v.optional(Port, "9465"),
  NOTIFIER_PORT: v.optional(Port, "8082"),
  NOTIFIER_METRICS_PORT: v.optional(Port, "9466"),
  OTLP_PORT: v.optional(Port, "4318"),
  NATS_URL: v.optional(v.pipe(v.string(), v.url()), "nats://127.0.0.1:4222"),
  /** "private": always a nats-server of the demo's own, never the shared one at NATS_URL. */
  DEMO_NATS: v.optional(v.picklist(["auto", "private"]), "auto"),
  /** Logs and the embedded database of this run; emptied at start. */
  DEMO_DATA_DIR: v.optional(v.pipe(v.string(), v.nonEmpty()), ".data/demo"),
  JAEGER_QUERY_URL: v.optional(v.pipe(v.string(), v.url()), "http://127.0.0.1:16686"),
});

export type DemoConfig = v.InferOutput<typeof EnvSchema> & {
  /** `--once`: report and stop, instead of leaving the services running. */
  once: boolean;
};

/** Parses the demo's settings; a bad value names the variable and exits 1. */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  argv: string[] = process.argv.slice(2),
): DemoConfig {
  const result = v.safeParse(EnvSchema, env);
  if (!result.success) {
    const issue = result.issues[0];
    const variable = issue ? v.getDotPath(issue) : "environment";
    console.error(
      JSON.stringify({ level: "error", event: "config.invalid", variable, issue: issue?.message }),
    );
    process.exit(1);
  }
  return { ...result.output, once: argv.includes("--once") };
}
