import { REDACTED, redactString } from "./redact-string.ts";
import { isSensitiveKey } from "./sensitive-key.ts";

// Deep enough for any log field we write; deeper structures are someone's whole request.
const MAX_DEPTH = 12;

export interface RedactOptions {
  /** Whether errors keep their stack (and their causes theirs). @default true */
  stacks?: boolean;
}

interface Walk {
  /** The objects above this one: a few per level, MAX_DEPTH levels, so a list beats a set. */
  ancestors: object[];
  stacks: boolean;
}

/**
 * A JSON-safe copy of `value` with credentials replaced by `[REDACTED]` at any depth:
 * values under sensitive keys, and bearer tokens, JWTs and URL credentials inside strings.
 * Errors become `{ name, message, stack?, code?, cause? }`; cycles become `"[Circular]"`.
 */
export function redact(value: unknown, options: RedactOptions = {}): unknown {
  const { stacks = true } = options;
  return redactValue(value, { ancestors: [], stacks }, 0);
}

function redactValue(value: unknown, walk: Walk, depth: number): unknown {
  const { ancestors } = walk;
  if (typeof value === "string") return redactString(value);
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "function" || typeof value === "symbol") return undefined;
  if (value === null || typeof value !== "object") return value;
  if (ancestors.includes(value)) return "[Circular]";
  if (depth >= MAX_DEPTH) return "[Truncated]";
  ancestors.push(value);
  try {
    const plain = toPlain(value, walk.stacks);
    if (Array.isArray(plain)) return plain.map((item) => redactValue(item, walk, depth + 1));
    if (plain !== value) return redactValue(plain, walk, depth);
    return redactObject(value, walk, depth);
  } finally {
    ancestors.pop();
  }
}

function redactObject(value: object, walk: Walk, depth: number): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    let field: unknown;
    try {
      field = (value as Record<string, unknown>)[key];
    } catch {
      field = "[Unreadable]";
    }
    if (field === undefined) continue;
    const redacted = isSensitiveKey(key) ? REDACTED : redactValue(field, walk, depth + 1);
    if (redacted !== undefined) result[key] = redacted;
  }
  return result;
}

// Objects whose data is not in their own enumerable keys, turned into what a reader expects.
function toPlain(value: object, stacks: boolean): unknown {
  if (Array.isArray(value)) return value;
  if (value instanceof Error) return errorFields(value, stacks);
  if (value instanceof Headers || value instanceof Map) {
    return Object.fromEntries(Array.from(value.entries(), ([key, item]) => [String(key), item]));
  }
  if (value instanceof Set) return Array.from(value);
  const toJSON: unknown = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === "function") {
    try {
      return toJSON.call(value);
    } catch {
      return "[Unserializable]";
    }
  }
  return value;
}

function errorFields(error: Error, stacks: boolean): Record<string, unknown> {
  const { code } = error as { code?: unknown };
  return {
    name: error.name,
    message: error.message,
    ...(stacks ? { stack: error.stack } : {}),
    ...(typeof code === "string" || typeof code === "number" ? { code } : {}),
    ...(error.cause !== undefined ? { cause: error.cause } : {}),
  };
}
