import { PreconditionFailedError } from "@tracemesh/errors";
import type { Todo } from "../storage/todo.ts";
import { VersionMismatchError } from "../storage/version-mismatch.ts";
import { etagOf, type WritePrecondition } from "./todo-version.ts";

function preconditionFailed(
  reason: string,
  currentVersion: number,
  cause?: unknown,
): PreconditionFailedError {
  return new PreconditionFailedError({
    reason,
    currentEtag: etagOf(currentVersion),
    currentVersion,
    hint: "Read the todo again and send the change with its current ETag in If-Match.",
    cause,
  });
}

/**
 * Runs `write` at the precondition's version, answering a mismatch as RFC 9110 §13 has it:
 * a false `If-Match` is 412 PRECONDITION_FAILED, while a stale body `version` stays the
 * store's 409 RESOURCE_CONFLICT (it is content, not a precondition). A weak tag never matches
 * under If-Match's strong comparison; `current` is still read first, so that a todo the caller
 * may not see stays 404 (a 404 takes precedence over preconditions, RFC 9110 §13.2.1) and the
 * current ETag only goes to its owner.
 */
export async function underPrecondition<T>(
  precondition: WritePrecondition,
  write: (expectedVersion: number) => Promise<T>,
  current: () => Promise<Todo>,
): Promise<T> {
  if (precondition.weak) throw preconditionFailed("weak_etag", (await current()).version);
  try {
    return await write(precondition.version);
  } catch (error) {
    if (precondition.source !== "If-Match" || !(error instanceof VersionMismatchError)) throw error;
    throw preconditionFailed("etag_mismatch", error.currentVersion, error);
  }
}
