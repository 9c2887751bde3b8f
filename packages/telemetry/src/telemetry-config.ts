import * as v from "valibot";

const Port = v.pipe(
  v.string(),
  v.trim(),
  v.digits("must be a port number"),
  v.transform(Number),
  v.integer(),
  v.minValue(1, "must be a port number between 1 and 65535"),
  v.maxValue(65535, "must be a port number between 1 and 65535"),
);

// Same reading as the SDK's own getBooleanFromEnv: only "true" (any case) disables.
const SdkDisabled = v.pipe(
  v.string(),
  v.transform((value) => value.trim().toLowerCase() === "true"),
);

const TelemetryEnvSchema = v.object({
  OTEL_SDK_DISABLED: v.optional(SdkDisabled, "false"),
  OTEL_SERVICE_NAME: v.optional(v.pipe(v.string(), v.trim(), v.nonEmpty())),
  METRICS_PORT: v.optional(Port, "9464"),
  METRICS_HOST: v.optional(v.pipe(v.string(), v.trim(), v.nonEmpty()), "0.0.0.0"),
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

/** Thrown for a bad telemetry setting; `variable` names the environment variable at fault. */
export class TelemetryConfigError extends Error {
  readonly variable: string;
  constructor(variable: string, message: string) {
    super(`${variable}: ${message}`);
    this.name = "TelemetryConfigError";
    this.variable = variable;
  }
}

/**
 * The preload's few settings, parsed once. The SDK reads the standard `OTEL_*` variables itself;
 * only the ones the preload acts on before the SDK exists are read here.
 */
export function parseTelemetryConfig(
  env: Record<string, string | undefined> = process.env,
): TelemetryConfig {
  const result = v.safeParse(TelemetryConfigSchema, env);
  if (result.success) return result.output;
  const [issue] = result.issues;
  throw new TelemetryConfigError(v.getDotPath(issue) ?? "environment", issue.message);
}
