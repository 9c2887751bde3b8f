import { envInteger } from "@tracemesh/config";
import type * as v from "valibot";

/** The shutdown variables every service takes, spread into its env schema. */
export const shutdownEnvEntries = {
  // How long the listener keeps serving after SIGTERM while /health/ready fails: a load
  // balancer's probe interval or so. 0: stop accepting at once (nothing balances in front).
  SHUTDOWN_GRACE_MS: envInteger(5_000, 0, 120_000),
  // Then how long the requests in flight may take before their connections are cut.
  SHUTDOWN_DRAIN_MS: envInteger(10_000, 0, 120_000),
};

/** The parsed shutdown variables, as the service's env object holds them. */
export type ShutdownEnv = v.InferOutput<v.ObjectSchema<typeof shutdownEnvEntries, undefined>>;

/** `startHttpServer`'s shutdown options from the parsed env. */
export function shutdownSettings(env: ShutdownEnv): { graceMs: number; drainTimeoutMs: number } {
  return { graceMs: env.SHUTDOWN_GRACE_MS, drainTimeoutMs: env.SHUTDOWN_DRAIN_MS };
}
