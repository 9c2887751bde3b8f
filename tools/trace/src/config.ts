import { envUrl, parseEnv } from "@tracemesh/config";
import * as v from "valibot";

const EnvSchema = v.object({
  /** Where to read traces: unset tries Jaeger's query API first, then the local OTLP sink. */
  TRACE_QUERY_URL: envUrl(),
});

export type Config = { queryUrls: string[] };

/** Where `pnpm trace` looks without TRACE_QUERY_URL: Jaeger's query API, then the local OTLP sink. */
export const DEFAULT_QUERY_URLS: readonly string[] = [
  "http://127.0.0.1:16686",
  "http://127.0.0.1:4318",
];

/** Reads the trace CLI's settings from the environment; throws ConfigError naming a bad one. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const { TRACE_QUERY_URL } = parseEnv(EnvSchema, env);
  return { queryUrls: TRACE_QUERY_URL ? [TRACE_QUERY_URL] : [...DEFAULT_QUERY_URLS] };
}
