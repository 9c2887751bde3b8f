import { envFlag, envSecret } from "@tracemesh/config";
import type * as v from "valibot";

/** The chaos variables every service reads: spread them into the service's env `v.object`. */
export const chaosEnvEntries = {
  CHAOS_ENABLED: envFlag(false),
  // Optional, yet at least 16 characters when set (envSecret): a short token is a mistake to
  // report, where a missing one means chaos without the fault controls.
  CHAOS_TOKEN: envSecret,
};

/** The parsed chaos variables, as the service's env object holds them. */
export type ChaosEnv = v.InferOutput<v.ObjectSchema<typeof chaosEnvEntries, undefined>>;

/** What a service passes on to `createChaosControls`; undefined when chaos is off. */
export interface ChaosSettings {
  /** Undefined: CHAOS_ENABLED=true alone, the incident routes without the fault controls. */
  token: string | undefined;
}

/**
 * The chaos settings of a parsed env: undefined when chaos is off, so nothing is mounted;
 * with CHAOS_ENABLED=true, the token the fault controls need, if there is one.
 */
export function chaosSettings(env: ChaosEnv): ChaosSettings | undefined {
  return env.CHAOS_ENABLED ? { token: env.CHAOS_TOKEN } : undefined;
}
