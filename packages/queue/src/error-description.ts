/** A short, stable name for an error, for `error.type` attributes and log fields. */
export function errorType(error: unknown): string {
  // Some libraries leave `name` as "Error": their class name says more.
  if (error instanceof Error) {
    return error.name && error.name !== "Error" ? error.name : error.constructor.name;
  }
  return typeof error;
}

/** The message of an error or thrown value, on one line. */
export function errorMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/[\r\n]+/g, " ").trim();
}
