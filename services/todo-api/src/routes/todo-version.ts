import { InvalidParameterError } from "@tracemesh/errors";

/** The largest version PostgreSQL's integer column holds. */
export const MAX_VERSION = 2 ** 31 - 1;

const ENTITY_TAG = /^(?:W\/)?"([1-9][0-9]{0,9})"$/;

/** The ETag of a todo at `version`: strong, since the version names one exact representation. */
export function etagOf(version: number): string {
  return `"${version}"`;
}

/**
 * The version an `If-Match` header asks for: one entity tag, `"3"` or the weak `W/"3"`.
 * `*` and lists name no single version. @throws InvalidParameterError (field If-Match)
 */
export function versionFromIfMatch(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const version = Number(ENTITY_TAG.exec(header.trim())?.[1]);
  if (!Number.isInteger(version) || version > MAX_VERSION) {
    throw new InvalidParameterError(
      [{ field: "If-Match", issue: "invalid_format", format: "entity_tag" }],
      {
        hint: 'Send the ETag of the todo you read, e.g. If-Match: "3".',
      },
    );
  }
  return version;
}

/**
 * The version a write is conditional on, from `If-Match` or the body's `version`; they must
 * agree when both are sent. Without either, a blind overwrite could undo someone else's edit,
 * so it is required. @throws InvalidParameterError
 */
export function requiredVersion(
  ifMatch: string | undefined,
  bodyVersion: number | undefined,
): number {
  const headerVersion = versionFromIfMatch(ifMatch);
  if (headerVersion !== undefined && bodyVersion !== undefined && headerVersion !== bodyVersion) {
    throw new InvalidParameterError([
      { field: "version", issue: "invalid_value", reason: "differs_from_if_match" },
    ]);
  }
  const version = headerVersion ?? bodyVersion;
  if (version === undefined) {
    throw new InvalidParameterError(
      [{ field: "If-Match", issue: "required", alternative: "version" }],
      {
        hint: "Send the todo's current version: its ETag in If-Match, or `version` in the body.",
      },
    );
  }
  return version;
}
