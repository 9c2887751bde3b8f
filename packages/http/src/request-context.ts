import { isSpanContextValid, trace } from "@opentelemetry/api";
import type { Context, MiddlewareHandler } from "hono";
import { randomHex } from "./random-hex.ts";

declare module "hono" {
  interface ContextVariableMap {
    /** The active trace's id (32 hex): the id Jaeger shows, in every body and log line. */
    traceId: string;
    /** The id of the span that represents this request on this service (16 hex). */
    spanId: string;
    /** The client's X-Request-Id when it is safe to echo, otherwise the traceId. */
    requestId: string;
  }
}

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-([0-9a-f]{2})$/;
const INVALID_TRACE_ID = "0".repeat(32);

export interface RequestIdentity {
  traceId: string;
  spanId: string;
  traceFlags: string;
}

/**
 * The trace identity of the request being handled: the active server span's when the
 * OpenTelemetry SDK runs, otherwise the incoming traceparent's trace id (or a new one),
 * so error bodies and logs carry a traceId even with `OTEL_SDK_DISABLED=true`.
 */
export function resolveRequestIdentity(traceparent: string | undefined): RequestIdentity {
  const active = trace.getActiveSpan()?.spanContext();
  if (active && isSpanContextValid(active)) {
    return {
      traceId: active.traceId,
      spanId: active.spanId,
      traceFlags: active.traceFlags.toString(16).padStart(2, "0"),
    };
  }
  const incoming = traceparent?.trim().toLowerCase().match(TRACEPARENT);
  const incomingTraceId = incoming?.[1];
  const usable = incomingTraceId !== undefined && incomingTraceId !== INVALID_TRACE_ID;
  return {
    traceId: usable ? incomingTraceId : randomHex(16),
    spanId: randomHex(8),
    traceFlags: usable ? (incoming?.[2] ?? "00") : "00",
  };
}

/**
 * The client's X-Request-Id when it matches the safe pattern of
 * docs/architecture.md#trace-identity; never reflects anything else.
 */
export function safeRequestId(value: string | undefined): string | undefined {
  return value !== undefined && SAFE_REQUEST_ID.test(value) ? value : undefined;
}

export interface RequestContextOptions {
  /** @default "X-Request-Id" */
  requestIdHeader?: string;
}

// Not hono/request-id: it echoes `[\w\-=]{1,255}` and generates a UUID otherwise, where the
// contract echoes only `^[A-Za-z0-9._:-]{1,128}$` and uses the trace id otherwise
// (request-context.test.ts "echoes a safe X-Request-Id", a `.` and a `:` in it, and "never
// reflects an unsafe X-Request-Id: the trace id stands in", `id=` and 129 characters among them).

/**
 * Sets `traceId`, `spanId` and `requestId` on the context and the `traceresponse`
 * (W3C Trace Context level 2) and `X-Request-Id` headers on every response, errors included.
 */
export function requestContext(options: RequestContextOptions = {}): MiddlewareHandler {
  const { requestIdHeader = "X-Request-Id" } = options;
  return async function requestContextMiddleware(c, next) {
    const identity = resolveRequestIdentity(c.req.header("traceparent"));
    const requestId = safeRequestId(c.req.header(requestIdHeader)) ?? identity.traceId;
    c.set("traceId", identity.traceId);
    c.set("spanId", identity.spanId);
    c.set("requestId", requestId);
    const traceresponse = `00-${identity.traceId}-${identity.spanId}-${identity.traceFlags}`;
    // Set before the response exists, so the route's c.json() or the error handler's c.body()
    // builds it with them. Set on a finished response, they would make Hono rebuild it around
    // a web stream of its body, and @hono/node-server stream that out: GET /health/live answers
    // some 60 % more requests a second without that (docs/performance.md).
    // (Hono builds each response on these prepared headers: one built and then not returned
    // leaves its own headers on them, for the response that is returned.)
    c.header("traceresponse", traceresponse);
    c.header(requestIdHeader, requestId);
    await next();
    // A route that returned a Response of its own has not got them yet.
    if (c.res.headers.get("traceresponse") !== traceresponse) {
      c.header("traceresponse", traceresponse);
      c.header(requestIdHeader, requestId);
    }
  };
}

/** The request's trace id, for code that may run before `requestContext()` (e.g. early errors). */
export function traceIdOf(c: Context): string {
  return c.get("traceId") ?? resolveRequestIdentity(c.req.header("traceparent")).traceId;
}
