// A trace id as the README shows where to find it: a body's `traceId`, or the middle of a
// `traceparent` or `traceresponse` header (`00-<traceId>-<spanId>-<flags>`).
const TRACE_ID = /^[0-9a-f]{32}$/;
const TRACE_CONTEXT = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;

/**
 * The trace id among the command's arguments (`process.argv.slice(2)`), lower-cased; undefined
 * when there is none. A leading `--` (`pnpm trace -- <id>`, as npm asks for) is skipped.
 */
export function traceIdArgument(args: readonly string[]): string | undefined {
  const [first, second] = args;
  const given = (first === "--" ? second : first)?.trim().toLowerCase();
  if (given === undefined) return undefined;
  if (TRACE_ID.test(given)) return given;
  return TRACE_CONTEXT.exec(given)?.[1];
}
