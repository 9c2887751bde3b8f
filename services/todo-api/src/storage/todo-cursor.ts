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

/** Decodes a cursor from `encodeCursor`; anything else is REQUEST_PARAMETER_INVALID (cursor). */
export function decodeCursor(cursor: string): TodoPosition {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch (error) {
    throw invalidCursor(error);
  }
  if (!Array.isArray(decoded) || decoded.length !== 2) throw invalidCursor();
  const [createdAt, id] = decoded as unknown[];
  if (typeof createdAt !== "string" || typeof id !== "string" || !isUuid(id)) {
    throw invalidCursor();
  }
  const date = new Date(createdAt);
  if (Number.isNaN(date.getTime()) || date.toISOString() !== createdAt) throw invalidCursor();
  return { createdAt: date, id };
}
