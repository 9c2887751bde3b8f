import * as v from "valibot";

/** A bad environment variable, named, without its value (it may be a secret). */
export class ConfigError extends Error {
  readonly variable: string;
  constructor(variable: string, issue: string) {
    super(`${variable} ${issue}`);
    this.name = "ConfigError";
    this.variable = variable;
  }
}

/**
 * Parses the environment with a valibot schema, once, at start-up. `FOO=` (as compose files
 * write unset variables) means "use the default". Throws a ConfigError naming the first bad variable.
 */
export function parseEnv<TSchema extends v.GenericSchema<Record<string, unknown>, unknown>>(
  schema: TSchema,
  env: Record<string, string | undefined>,
): v.InferOutput<TSchema> {
  const set = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ""));
  const result = v.safeParse(schema, set);
  if (result.success) return result.output;
  const [issue] = result.issues;
  throw new ConfigError(
    (issue && v.getDotPath(issue)) ?? "environment",
    issue?.message ?? "is invalid",
  );
}
