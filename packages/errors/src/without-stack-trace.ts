/**
 * What `build` returns, with every error it constructs capturing no stack: their `stack` is the
 * header line alone. For errors whose stack would say nothing, such as a call refused before it
 * left the caller: capturing a stack and formatting it for the log costs microseconds on each.
 */
export function withoutStackTrace<T>(build: () => T): T {
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return build();
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}
