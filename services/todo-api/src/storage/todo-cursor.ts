import { InvalidParameterError } from "@tracemesh/errors";
import { isUuid } from "./todo.ts";

/** The position after which the next page starts: the last row's sort key. */
export interface TodoPosition {
  createdAt: Date;
  id: string;
}

/** Encodes a position as an opaque token; clients must not rely on its content. */
export function encodeCursor(position: TodoPosition): string {
  const json = JSON.stringify([position.createdAt.toISOString(), position.id]);
  return Buffer.from(json).toString("base64url");
}

function invalidCursor(cause?: unknown): InvalidParameterError {
  return new InvalidParameterError([{ field: "cursor", issue: "invalid_value" }], { cause });
}

// Every created_at is the database's now(), so an issued cursor is well inside years 0001–9999;
// outside them PostgreSQL and PGlite refuse the timestamp (22008, 22009), and not alike.
const MIN_YEAR = 1;
const MAX_YEAR = 9999;

function isIssuable(position: TodoPosition): boolean {
  // NaN for an invalid date, which no bound admits.
  const year = position.createdAt.getUTCFullYear();
  // The database writes ids in lower case, so a cursor of its rows does too.
  return year >= MIN_YEAR && year <= MAX_YEAR && isUuid(position.id) && !/[A-F]/.test(position.id);
}

/**
 * Decodes a cursor from `encodeCursor`. Anything it could not have written is
 * REQUEST_PARAMETER_INVALID (cursor), before the database sees it: another shape, a date
 * out of range, or the same position spelt differently (padding, spaces, lenient base64).
 */
export function decodeCursor(cursor: string): TodoPosition {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch (error) {
    throw invalidCursor(error);
  }
  if (!Array.isArray(decoded) || decoded.length !== 2) throw invalidCursor();
  const [createdAt, id] = decoded as unknown[];
  if (typeof createdAt !== "string" || typeof id !== "string") throw invalidCursor();
  const position = { createdAt: new Date(createdAt), id };
  if (!isIssuable(position) || encodeCursor(position) !== cursor) throw invalidCursor();
  return position;
}
