import * as v from "valibot";

const ConfigSchema = v.object({
  /** Where to read traces: unset tries Jaeger's query API first, then the local OTLP sink. */
  TRACE_QUERY_URL: v.optional(v.pipe(v.string(), v.url())),
});

export type Config = { queryUrls: string[] };

/** Where `pnpm trace` looks without TRACE_QUERY_URL: Jaeger's query API, then the local OTLP sink. */
export const DEFAULT_QUERY_URLS: readonly string[] = [
  "http://127.0.0.1:16686",
  "http://127.0.0.1:4318",
];

/** Reads the trace CLI's settings from the environment. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = v.parse(ConfigSchema, env);
  return {
    queryUrls: parsed.TRACE_QUERY_URL ? [parsed.TRACE_QUERY_URL] : [...DEFAULT_QUERY_URLS],
  };
}
