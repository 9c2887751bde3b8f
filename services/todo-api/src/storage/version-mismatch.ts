import { ConflictError } from "@tracemesh/errors";

/**
 * A write expected a version the todo is no longer at: 409 RESOURCE_CONFLICT version_mismatch,
 * which the route answers as 412 instead when the version came as a precondition (If-Match).
 */
export class VersionMismatchError extends ConflictError {
  override name = "VersionMismatchError";
  readonly currentVersion: number;
  constructor(currentVersion: number) {
    super({ reason: "version_mismatch", currentVersion });
    this.currentVersion = currentVersion;
  }
}
