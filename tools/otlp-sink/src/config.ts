import * as v from "valibot";

const integerFrom = (min: number, max: number) =>
  v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(min), v.maxValue(max));

export const ConfigSchema = v.object({
  /** OTLP/HTTP's standard port; the Jaeger v3 query API is served on the same one. */
  PORT: v.optional(integerFrom(0, 65_535), "4318"),
  /** Loopback unless told otherwise: the sink takes spans from anyone who can reach it. */
  HOST: v.optional(v.pipe(v.string(), v.nonEmpty()), "127.0.0.1"),
  MAX_TRACES: v.optional(integerFrom(1, 1_000_000), "1000"),
  MAX_SPANS_PER_TRACE: v.optional(integerFrom(1, 1_000_000), "10000"),
  MAX_BODY_BYTES: v.optional(integerFrom(1, 1024 * 1024 * 1024), String(16 * 1024 * 1024)),
});

export type Config = v.InferOutput<typeof ConfigSchema>;

/** Reads the sink's configuration from `env`; throws naming the first bad variable. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const parsed = v.safeParse(ConfigSchema, env);
  if (parsed.success) return parsed.output;
  const issue = parsed.issues[0];
  throw new Error(`invalid ${v.getDotPath(issue) ?? "configuration"}: ${issue.message}`);
}
