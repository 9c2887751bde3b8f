import { DependencyError } from "@tracemesh/errors";
import type { Context } from "hono";

/**
 * The status the access log gives a request abandoned before its answer (nginx's "client closed
 * request"); chaos answers it too, to a client that left during its injected latency.
 */
export const CLIENT_CLOSED_REQUEST = 499;

/**
 * Whether `error` is only the echo of the request's own end: its connection closed before the
 * answer (the client hung up, or the server refused a body whose chunking broke), which ended
 * its deadline and so the call that failed. Such an answer goes to no one and tells nothing of
 * the dependency: it is logged as 499 and counted as no error. Any other failure, a bug's 500
 * included, is what it is, whenever the client left.
 */
export function isAbandonment(c: Context, error: unknown): boolean {
  return c.req.raw.signal.aborted && error instanceof DependencyError && error.deadlineExceeded;
}
