import { chaosEnvEntries, chaosSettings } from "@tracemesh/chaos";
import { envChoice, envInteger, envPort, envSecret, envText, parseEnv } from "@tracemesh/config";
import { shutdownEnvEntries, shutdownSettings } from "@tracemesh/http";
import { LOG_LEVELS } from "@tracemesh/logger";
import * as v from "valibot";
import { isEd25519PrivateKeyPem } from "./tokens/signing-key.ts";

const EnvSchema = v.object({
  PORT: envPort(8081),
  // METRICS_PORT is the telemetry preload's, which reads and checks it before this runs.
  LOG_LEVEL: envChoice(LOG_LEVELS, "info"),
  ...chaosEnvEntries,
  SERVICE_TOKEN: envSecret,
  TOKEN_TTL_SECONDS: envInteger(900, 30, 86_400),
  TOKEN_CLOCK_SKEW_SECONDS: envInteger(60, 0, 300),
  TOKEN_ISSUER: envText("tracemesh-auth"),
  TOKEN_AUDIENCE: envText("tracemesh"),
  JWT_PRIVATE_KEY: v.optional(
    v.pipe(
      v.string(),
      // An env file's one-line form, its line breaks written `\n`.
      v.transform((pem) => pem.replaceAll("\\n", "\n")),
      v.check(isEd25519PrivateKeyPem, "must be an Ed25519 private key in PKCS#8 PEM"),
    ),
  ),
  LOGIN_RATE_LIMIT_WINDOW_SECONDS: envInteger(60, 1, 86_400),
  LOGIN_RATE_LIMIT_PER_CLIENT: envInteger(30, 1, 100_000),
  LOGIN_RATE_LIMIT_PER_USERNAME: envInteger(10, 1, 100_000),
  TRUSTED_PROXY_HOPS: envInteger(0, 0, 10),
  REQUEST_BUDGET_MS: envInteger(3000, 50, 120_000),
  ...shutdownEnvEntries,
});

export const ConfigSchema = v.pipe(
  EnvSchema,
  v.transform((env) => ({
    port: env.PORT,
    logLevel: env.LOG_LEVEL,
    /** undefined when chaos is off; without CHAOS_TOKEN auth has no chaos routes to mount either. */
    chaos: chaosSettings(env),
    /** Bearer secret of service-to-service calls (GET /v1/users/:id); unset refuses them all. */
    serviceToken: env.SERVICE_TOKEN,
    tokens: {
      issuer: env.TOKEN_ISSUER,
      audience: env.TOKEN_AUDIENCE,
      /**
       * Also the longest lifetime (`exp - iat`) a token may claim to be accepted: lowering it
       * refuses at once the tokens issued under a longer one.
       */
      ttlSeconds: env.TOKEN_TTL_SECONDS,
      /** How far ahead of auth's clock a token's `iat` may be. */
      clockSkewSeconds: env.TOKEN_CLOCK_SKEW_SECONDS,
      privateKeyPem: env.JWT_PRIVATE_KEY,
    },
    loginRateLimit: {
      windowMs: env.LOGIN_RATE_LIMIT_WINDOW_SECONDS * 1000,
      perClient: env.LOGIN_RATE_LIMIT_PER_CLIENT,
      perUsername: env.LOGIN_RATE_LIMIT_PER_USERNAME,
    },
    trustedProxyHops: env.TRUSTED_PROXY_HOPS,
    requestBudgetMs: env.REQUEST_BUDGET_MS,
    shutdown: shutdownSettings(env),
  })),
);

export type Config = v.InferOutput<typeof ConfigSchema>;

export { ConfigError } from "@tracemesh/config";

/** Parses the environment once at start-up; throws a ConfigError naming the first bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  return parseEnv(ConfigSchema, env);
}
