import type { ErrorDetail } from "@tracemesh/errors";
import { VALIDATION_ISSUES, type ValidationIssue } from "@tracemesh/errors";
import type { BaseIssue } from "valibot";
import { allowedValues, numericBounds, schemaAt } from "./schema-lookup.ts";

type Issue = BaseIssue<unknown>;
type FieldSchema = ReturnType<typeof schemaAt>;
// Typed so that only issues documented in VALIDATION_ISSUES can reach a client.
type Description = { issue: ValidationIssue; [constraint: string]: unknown };

// Valibot string-format actions, reported as `invalid_format` with the format's name.
const FORMATS = new Set([
  "base64",
  "bic",
  "credit_card",
  "cuid2",
  "decimal",
  "digits",
  "email",
  "emoji",
  "hexadecimal",
  "hex_color",
  "imei",
  "ip",
  "ipv4",
  "ipv6",
  "iso_date",
  "iso_date_time",
  "iso_time",
  "iso_time_second",
  "iso_timestamp",
  "iso_week",
  "mac",
  "mac48",
  "mac64",
  "nanoid",
  "octal",
  "regex",
  "ulid",
  "url",
  "uuid",
]);

function isValidationIssue(value: string): value is ValidationIssue {
  return Object.hasOwn(VALIDATION_ISSUES, value);
}

function numberOrUndefined(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/** A range failure names both bounds when the schema has both: `must_be_between` {min, max}. */
function describeRange(issue: Issue, schema: FieldSchema): Description {
  const bounds = numericBounds(schema);
  const requirement = numberOrUndefined(issue.requirement);
  const min = bounds.min ?? (issue.type === "min_value" ? requirement : undefined);
  const max = bounds.max ?? (issue.type === "max_value" ? requirement : undefined);
  if (min !== undefined && max !== undefined) return { issue: "must_be_between", min, max };
  if (min !== undefined) return { issue: "must_be_at_least", min };
  return { issue: "must_be_at_most", max };
}

// The JSON type each of valibot's schema types expects, as `invalid_type` names it: a client
// knows an object, not a record or a loose_object.
const JSON_TYPES: Readonly<Record<string, string>> = {
  object: "object",
  loose_object: "object",
  strict_object: "object",
  object_with_rest: "object",
  record: "object",
  array: "array",
  tuple: "array",
  loose_tuple: "array",
  strict_tuple: "array",
  tuple_with_rest: "array",
  bigint: "number",
};

function describeSchemaIssue(issue: Issue, schema: FieldSchema): Description {
  if (issue.input === undefined) return { issue: "required" };
  // Valibot gives an unknown key (or extra item) of a strict object (or tuple) the container's
  // own issue type with `expected: "never"`; without it, the value itself is not one.
  if (issue.type.startsWith("strict_") && issue.expected === "never") {
    return { issue: "not_allowed" };
  }
  if (issue.type === "picklist" || issue.type === "enum") {
    const allowed = allowedValues(schema);
    return allowed === undefined
      ? { issue: "must_be_one_of" }
      : { issue: "must_be_one_of", allowed };
  }
  if (issue.type === "union" || issue.type === "variant" || issue.type === "literal") {
    return { issue: "invalid_value" };
  }
  return { issue: "invalid_type", expected: JSON_TYPES[issue.type] ?? issue.type };
}

function describeValidationIssue(issue: Issue, schema: FieldSchema): Description {
  const requirement = numberOrUndefined(issue.requirement);
  switch (issue.type) {
    case "min_value":
    case "max_value":
      return describeRange(issue, schema);
    case "min_length":
    case "min_code_points":
      return { issue: "too_short", min: requirement };
    case "max_length":
    case "max_code_points":
      return { issue: "too_long", max: requirement };
    case "non_empty":
      return { issue: "too_short", min: 1 };
    case "length":
      return { issue: "wrong_length", length: requirement };
    case "integer":
      return { issue: "must_be_integer" };
    case "multiple_of":
      return { issue: "must_be_multiple_of", multipleOf: requirement };
    case "check":
      // This package's checks (text-checks.ts) name their documented issue as the message.
      if (isValidationIssue(issue.message)) return { issue: issue.message };
  }
  if (FORMATS.has(issue.type)) {
    // The pattern itself is implementation detail: clients get the kind of format only.
    return { issue: "invalid_format", format: issue.type === "regex" ? "pattern" : issue.type };
  }
  return { issue: "invalid_value" };
}

function describe(issue: Issue, schema: FieldSchema): Description {
  if (issue.kind === "schema") return describeSchemaIssue(issue, schema);
  // Transformations that fail are conversions (`toNumber` of "abc"): the value has the wrong type.
  if (issue.kind === "transformation") {
    return { issue: "invalid_type", expected: issue.type.replace(/^to_/, "") };
  }
  return describeValidationIssue(issue, schema);
}

/**
 * Valibot issues as REQUEST_PARAMETER_INVALID details: one per failing field, the first issue
 * of each, `{ field: "a.b.0", issue: "too_short", min: 1 }`. The input's values are never
 * echoed, only the names of its fields (an unknown one as the client sent it, JSON-escaped);
 * a failure of the whole value (a body that is not an object) has no `field`.
 */
export function issueDetails(issues: readonly Issue[], schema: unknown): ErrorDetail[] {
  const byField = new Map<string, ErrorDetail>();
  for (const issue of issues) {
    const keys = issue.path?.map((item) => item.key) ?? [];
    const field = keys.map(String).join(".");
    if (byField.has(field)) continue;
    const description = describe(issue, schemaAt(schema, keys));
    const detail: ErrorDetail = keys.length > 0 ? { field, ...description } : { ...description };
    for (const [key, value] of Object.entries(detail)) if (value === undefined) delete detail[key];
    byField.set(field, detail);
  }
  return [...byField.values()];
}
