import { readFile } from "node:fs/promises";
import { Ajv2019, type ErrorObject } from "ajv/dist/2019.js";

/** One way the document breaks the schema: where, and what. */
export interface SchemaViolation {
  path: string;
  message: string;
}

const DRAFT_2019_09 = "http://json-schema.org/draft/2019-09/schema#";

// A Go duration ("5s", "1m30s"), as compose reads healthcheck intervals and grace periods; the
// ISO 8601 durations of JSON Schema's own "duration" format would refuse every one of them.
const GO_DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

// The schema names its parts with draft-04's `id` ("#/definitions/service"), which draft
// 2019-09 dropped and Ajv refuses. They are names only (every $ref is a JSON pointer): leave
// them out. A property called `id` is an object, never a string, and stays.
function withoutDraft04Ids(value: Json): Json {
  if (Array.isArray(value)) return value.map(withoutDraft04Ids);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key, each]) => !(key === "id" && typeof each === "string"))
      .map(([key, each]) => [key, withoutDraft04Ids(each)]),
  );
}

/**
 * Validates a compose document against the Compose specification's JSON schema (draft 2019-09)
 * at `schemaPath`, every violation reported. Of its custom formats, `duration` is checked here;
 * `ports`, `expose` and `subnet_ip_address` are left to `docker-compose config`, which defines
 * them.
 */
export async function validateComposeSpec(
  document: unknown,
  schemaPath: string,
): Promise<SchemaViolation[]> {
  const { $schema, ...schema } = JSON.parse(await readFile(schemaPath, "utf8")) as {
    [key: string]: Json;
  };
  // Ajv2019 knows draft 2019-09 by its https URI: say which draft this is by choosing the class.
  if ($schema !== DRAFT_2019_09) throw new Error(`${schemaPath}: not draft 2019-09 (${$schema})`);
  const ajv = new Ajv2019({ allErrors: true, strict: true, allowUnionTypes: true });
  ajv.addFormat("duration", GO_DURATION);
  for (const format of ["ports", "expose", "subnet_ip_address"]) ajv.addFormat(format, true);
  const cleaned = withoutDraft04Ids(schema);
  if (cleaned === null || typeof cleaned !== "object" || Array.isArray(cleaned)) {
    throw new Error(`${schemaPath}: not a schema object`);
  }
  const validate = ajv.compile(cleaned);
  if (validate(document)) return [];
  return (validate.errors ?? []).map((error: ErrorObject) => ({
    path: error.instancePath || "/",
    message: `${error.message ?? "is invalid"} ${JSON.stringify(error.params)}`,
  }));
}
