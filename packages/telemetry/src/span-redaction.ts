import type { IncomingMessage } from "node:http";
import type { Attributes, Span } from "@opentelemetry/api";
import { REDACTED, redactString } from "@tracemesh/logger/redact-string";

// Spans leave the process for a trace backend that many can read, and nothing redacts them on the
// way: their URLs and exceptions are cleaned here, as the logger cleans log lines, by the same
// patterns.

/** URLs whose path or query is itself a credential, e.g. a webhook's. */
const hiddenUrls: { origin: string; path: string }[] = [];

/**
 * Keeps a URL that is a secret as a whole (a chat webhook's, whose token is its path) out of every
 * client span: a request under it shows only its origin, `/[REDACTED]` in place of the rest.
 */
export function hideUrlFromSpans(url: string): void {
  const { origin, pathname } = new URL(url);
  hiddenUrls.push({ origin, path: pathname });
}

/** The url.query of an incoming request, its credentials redacted (without the `?`). */
export function serverQueryAttributes(request: IncomingMessage): Attributes | undefined {
  const url = request.url ?? "";
  const start = url.indexOf("?");
  if (start === -1) return undefined;
  const query = url.slice(start);
  const redacted = redactString(query);
  return redacted === query ? undefined : { "url.query": redacted.slice(1) };
}

/**
 * url.full, url.path and url.query of an outgoing request (undici's origin and path) in place of
 * the instrumentation's, where they differ (none: `{}`): a hidden URL's path and query, and
 * credentials in any query, redacted.
 */
export function clientUrlAttributes(origin: string, path: string): Attributes {
  const hidden = hiddenUrls.some((url) => url.origin === origin && path.startsWith(url.path));
  if (hidden) {
    return { "url.full": `${origin}/${REDACTED}`, "url.path": `/${REDACTED}`, "url.query": "" };
  }
  const start = path.indexOf("?");
  if (start === -1) return {};
  const search = path.slice(start);
  const redacted = redactString(search);
  if (redacted === search) return {};
  const { pathname } = new URL(path, origin);
  return { "url.full": `${origin}${pathname}${redacted}`, "url.query": redacted };
}

/**
 * `span.recordException` with the error's message and stack redacted as a log line's are: an
 * exception's message can quote its input (JSON.parse quotes the body it failed on).
 */
export function recordRedactedException(span: Span, error: unknown): void {
  if (!(error instanceof Error)) {
    span.recordException(redactString(String(error)));
    return;
  }
  const { code } = error as { code?: unknown };
  span.recordException({
    name: error.name,
    message: redactString(error.message),
    ...(error.stack === undefined ? {} : { stack: redactString(error.stack) }),
    ...(typeof code === "string" || typeof code === "number" ? { code } : {}),
  });
}
