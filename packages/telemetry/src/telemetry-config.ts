import { envInteger, envText, parseEnv } from "@tracemesh/config";
import * as v from "valibot";

// Same reading as the SDK's own getBooleanFromEnv: only "true" (any case) disables.
const SdkDisabled = v.pipe(
  v.string(),
  v.transform((value) => value.trim().toLowerCase() === "true"),
);

const TelemetryEnvSchema = v.object({
  OTEL_SDK_DISABLED: v.optional(SdkDisabled, "false"),
  OTEL_SERVICE_NAME: v.optional(v.pipe(v.string(), v.trim(), v.nonEmpty())),
  // Prometheus scrapes a known port: 0 (any port) makes no sense here.
  METRICS_PORT: envInteger(9464, 1, 65_535),
  METRICS_HOST: envText("0.0.0.0"),
});

export const TelemetryConfigSchema = v.pipe(
  TelemetryEnvSchema,
  v.transform((env) => ({
    sdkDisabled: env.OTEL_SDK_DISABLED,
    serviceName: env.OTEL_SERVICE_NAME,
    metricsPort: env.METRICS_PORT,
    metricsHost: env.METRICS_HOST,
  })),
);

export type TelemetryConfig = v.InferOutput<typeof TelemetryConfigSchema>;

/**
 * The preload's few settings, parsed once. The SDK reads the standard `OTEL_*` variables itself;
 * only the ones the preload acts on before the SDK exists are read here.
 * @throws ConfigError naming the bad variable
 */
export function parseTelemetryConfig(
  env: Record<string, string | undefined> = process.env,
): TelemetryConfig {
  return parseEnv(TelemetryConfigSchema, env);
}
