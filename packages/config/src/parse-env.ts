import { readFileSync } from "node:fs";
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

/** The variables an object schema (or a pipe that starts with one) reads. */
function variablesOf(schema: unknown): string[] {
  const root = (schema as { pipe?: unknown[] }).pipe?.[0] ?? schema;
  const entries = (root as { entries?: Record<string, unknown> }).entries;
  return entries ? Object.keys(entries) : [];
}

/**
 * `FOO_FILE=/run/secrets/foo` gives FOO the file's content (its last line break dropped): how
 * docker compose and Kubernetes hand secrets over. Only for variables the schema reads.
 */
function readFileVariables(
  variables: string[],
  env: Record<string, string>,
): Record<string, string> {
  const resolved = { ...env };
  for (const name of variables) {
    const file = env[`${name}_FILE`];
    if (file === undefined) continue;
    if (env[name] !== undefined) {
      throw new ConfigError(name, `is set twice: by itself and by ${name}_FILE`);
    }
    try {
      resolved[name] = readFileSync(file, "utf8").replace(/\r?\n$/, "");
    } catch {
      throw new ConfigError(`${name}_FILE`, "names a file that cannot be read");
    }
  }
  return resolved;
}

/**
 * Parses the environment with a valibot schema, once, at start-up. `FOO=` (as compose files
 * write unset variables) means "use the default"; `FOO_FILE` names a file holding FOO's value.
 * Throws a ConfigError naming the first bad variable.
 */
export function parseEnv<TSchema extends v.GenericSchema<Record<string, unknown>, unknown>>(
  schema: TSchema,
  env: Record<string, string | undefined>,
): v.InferOutput<TSchema> {
  const set = Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== "",
    ),
  );
  const result = v.safeParse(schema, readFileVariables(variablesOf(schema), set));
  if (result.success) return result.output;
  const [issue] = result.issues;
  throw new ConfigError(
    (issue && v.getDotPath(issue)) ?? "environment",
    issue?.message ?? "is invalid",
  );
}
