/**
 * Runs `build` with stack capture off: errors it constructs synchronously get their header line
 * alone as `stack`. For errors whose stack would say nothing, such as a call refused before it
 * went out: capturing a stack and formatting it for the log costs microseconds on each.
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
