import { InvalidParameterError, PreconditionRequiredError } from "@tracemesh/errors";

/** The largest version PostgreSQL's integer column holds. */
export const MAX_VERSION = 2 ** 31 - 1;

const ENTITY_TAG = /^(W\/)?"([1-9][0-9]{0,9})"$/;

/** The ETag of a todo at `version`: strong, since the version names one exact representation. */
export function etagOf(version: number): string {
  return `"${version}"`;
}

/**
 * What a write is conditional on: the version it expects the todo to be at, and how the client
 * said so, which decides how a mismatch is answered (see `underPrecondition`).
 */
export interface WritePrecondition {
  version: number;
  /** `If-Match` (a precondition: 412 when false) or the body's `version` (content: 409). */
  source: "If-Match" | "version";
  /** A weak entity tag: If-Match compares strongly (RFC 9110 §13.1.1), so it never matches. */
  weak: boolean;
}

/**
 * The precondition an `If-Match` header states: one entity tag, `"3"` or the weak `W/"3"`.
 * Anything else is 400, even where RFC 9110 would evaluate it: `*` only asks that the todo
 * exists, which would let a blind overwrite through, and a list would make one conditional
 * write depend on several versions, which no client of one todo needs; a tag this API never
 * issues (`"abc"`, `"0"`) is a client bug better named than answered 412.
 * @throws InvalidParameterError (field If-Match)
 */
export function ifMatchPrecondition(header: string | undefined): WritePrecondition | undefined {
  if (header === undefined) return undefined;
  const match = ENTITY_TAG.exec(header.trim());
  const version = Number(match?.[2]);
  if (!Number.isInteger(version) || version > MAX_VERSION) {
    throw new InvalidParameterError(
      [{ field: "If-Match", issue: "invalid_format", format: "entity_tag" }],
      {
        hint: 'Send the ETag of the todo you read, e.g. If-Match: "3".',
      },
    );
  }
  return { version, source: "If-Match", weak: match?.[1] !== undefined };
}

/**
 * The precondition of a write that must be conditional, from `If-Match` or the body's
 * `version`; they must agree when both are sent. Without either, a blind overwrite could undo
 * someone else's edit: 428 (RFC 6585 §3).
 * @throws InvalidParameterError, PreconditionRequiredError
 */
export function requiredPrecondition(
  ifMatch: string | undefined,
  bodyVersion: number | undefined,
): WritePrecondition {
  const header = ifMatchPrecondition(ifMatch);
  if (header !== undefined && bodyVersion !== undefined && header.version !== bodyVersion) {
    throw new InvalidParameterError([
      { field: "version", issue: "invalid_value", reason: "differs_from_if_match" },
    ]);
  }
  if (header !== undefined) return header;
  if (bodyVersion !== undefined) return { version: bodyVersion, source: "version", weak: false };
  throw new PreconditionRequiredError({
    issue: "required",
    alternative: "version",
    hint: "Send the todo's current version: its ETag in If-Match, or `version` in the body.",
  });
}
