import { envFlag, envSecret } from "@tracemesh/config";
import * as v from "valibot";

/** The chaos variables every service reads: spread them into the service's env `v.object`. */
export const chaosEnvEntries = {
  CHAOS_ENABLED: envFlag(false),
  CHAOS_TOKEN: envSecret,
};

/** The parsed chaos variables, as the service's env object holds them. */
export type ChaosEnv = v.InferOutput<v.ObjectSchema<typeof chaosEnvEntries, undefined>>;

/** What a service passes on to `createChaosControls`; undefined when chaos is off. */
export interface ChaosSettings {
  token: string;
}

/** The pipe step refusing CHAOS_ENABLED=true without a CHAOS_TOKEN (reported on CHAOS_TOKEN). */
export function requireChaosToken<TEnv extends ChaosEnv>(): v.BaseValidation<
  TEnv,
  TEnv,
  v.CheckIssue<ChaosEnv>
> {
  const action = v.forward(
    v.check(
      (env: ChaosEnv) => !env.CHAOS_ENABLED || env.CHAOS_TOKEN !== undefined,
      "is required when CHAOS_ENABLED=true",
    ),
    ["CHAOS_TOKEN"],
  );
  // valibot cannot check a path against a generic input; the action returns its input as is,
  // so it is as valid on the service's whole env as on the chaos part it reads.
  return action as unknown as v.BaseValidation<TEnv, TEnv, v.CheckIssue<ChaosEnv>>;
}

/** The chaos settings of a parsed env: undefined when chaos is off, so no control is mounted. */
export function chaosSettings(env: ChaosEnv): ChaosSettings | undefined {
  // requireChaosToken already refused an enabled chaos without a token.
  return env.CHAOS_ENABLED ? { token: env.CHAOS_TOKEN ?? "" } : undefined;
}
