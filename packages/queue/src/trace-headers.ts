import { headers as createHeaders, Match, type MsgHdrs } from "@nats-io/nats-core";
import {
  type Context,
  context,
  defaultTextMapGetter,
  propagation,
  ROOT_CONTEXT,
  type TextMapGetter,
  type TextMapSetter,
} from "@opentelemetry/api";

/** W3C trace context and baggage as stored text, e.g. in an outbox row. */
export interface TraceCarrier {
  traceparent?: string;
  tracestate?: string;
  baggage?: string;
}

const natsHeaderSetter: TextMapSetter<MsgHdrs> = {
  set(carrier, key, value) {
    carrier.set(key, value);
  },
};

const natsHeaderGetter: TextMapGetter<MsgHdrs | undefined> = {
  keys: (carrier) => carrier?.keys() ?? [],
  get(carrier, key) {
    // Header names in NATS are case-sensitive; another client may write `Traceparent`.
    if (!carrier?.has(key, Match.IgnoreCase)) return undefined;
    return carrier.get(key, Match.IgnoreCase);
  },
};

/** Writes traceparent, tracestate and baggage of `ctx` into NATS message headers. */
export function injectTraceHeaders(
  headers: MsgHdrs = createHeaders(),
  ctx: Context = context.active(),
): MsgHdrs {
  propagation.inject(ctx, headers, natsHeaderSetter);
  return headers;
}

/**
 * The context a message was sent in: from its NATS headers, or else from the CloudEvents
 * tracing extension of its body (a message copied by a tool that dropped the headers).
 */
export function extractTraceContext(
  headers: MsgHdrs | undefined,
  fallback: TraceCarrier = {},
  base: Context = context.active(),
): Context {
  const fromHeaders = propagation.extract(base, headers, natsHeaderGetter);
  if (headers?.has("traceparent", Match.IgnoreCase) || fallback.traceparent === undefined) {
    return fromHeaders;
  }
  const { traceparent, tracestate } = fallback;
  return propagation.extract(fromHeaders, { traceparent, tracestate }, defaultTextMapGetter);
}

/** The active trace context as text to store next to an event (the outbox keeps it). */
export function captureTraceCarrier(ctx: Context = context.active()): TraceCarrier {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  const captured: TraceCarrier = {};
  if (carrier.traceparent) captured.traceparent = carrier.traceparent;
  if (carrier.tracestate) captured.tracestate = carrier.tracestate;
  if (carrier.baggage) captured.baggage = carrier.baggage;
  return captured;
}

/** The context stored by captureTraceCarrier, ready for `context.with`. */
export function contextFromCarrier(carrier: TraceCarrier, base: Context = ROOT_CONTEXT): Context {
  const present: Record<string, string> = {};
  for (const [key, value] of Object.entries(carrier)) {
    if (typeof value === "string" && value !== "") present[key] = value;
  }
  return propagation.extract(base, present);
}
