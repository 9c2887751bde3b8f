import { type Attributes, toAttributes } from "./attribute-value.ts";
import type { OtlpResource, OtlpScope, OtlpSpan } from "./otlp-json.ts";

/** OTLP span kinds, indexed by their protobuf number. */
export const SPAN_KINDS = [
  "UNSPECIFIED",
  "INTERNAL",
  "SERVER",
  "CLIENT",
  "PRODUCER",
  "CONSUMER",
] as const;
export type SpanKindName = (typeof SPAN_KINDS)[number];

/** OTLP status codes, indexed by their protobuf number. */
export const STATUS_CODES = ["UNSET", "OK", "ERROR"] as const;
export type StatusCodeName = (typeof STATUS_CODES)[number];

export interface FlatSpanEvent {
  name: string;
  timeUnixNano: string;
  attributes: Attributes;
}

export interface FlatSpanLink {
  traceId: string;
  spanId: string;
  attributes: Attributes;
}

/** One received span with its resource and scope folded in, for assertions in tests. */
export interface FlatSpan {
  traceId: string;
  spanId: string;
  /** Undefined for a root span. */
  parentSpanId: string | undefined;
  name: string;
  kind: SpanKindName;
  /** The resource's `service.name`, or "unknown_service" when it has none. */
  serviceName: string;
  attributes: Attributes;
  resourceAttributes: Attributes;
  scopeName: string;
  status: { code: StatusCodeName; message: string };
  events: FlatSpanEvent[];
  links: FlatSpanLink[];
  /** Nanoseconds since the Unix epoch, as a decimal string (too large for a number). */
  startTimeUnixNano: string;
  endTimeUnixNano: string;
}

/** Flattens one OTLP span, given the resource and scope it was sent under. */
export function toFlatSpan(
  resource: OtlpResource | undefined,
  scope: OtlpScope | undefined,
  span: OtlpSpan,
): FlatSpan {
  const resourceAttributes = toAttributes(resource?.attributes);
  const serviceName = resourceAttributes["service.name"];
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    parentSpanId: span.parentSpanId,
    name: span.name ?? "",
    kind: SPAN_KINDS[span.kind ?? 0] ?? "UNSPECIFIED",
    serviceName: typeof serviceName === "string" ? serviceName : "unknown_service",
    attributes: toAttributes(span.attributes),
    resourceAttributes,
    scopeName: scope?.name ?? "",
    status: {
      code: STATUS_CODES[span.status?.code ?? 0] ?? "UNSET",
      message: span.status?.message ?? "",
    },
    events: (span.events ?? []).map((event) => ({
      name: event.name ?? "",
      timeUnixNano: event.timeUnixNano ?? "0",
      attributes: toAttributes(event.attributes),
    })),
    links: (span.links ?? []).map((link) => ({
      traceId: link.traceId,
      spanId: link.spanId,
      attributes: toAttributes(link.attributes),
    })),
    startTimeUnixNano: span.startTimeUnixNano ?? "0",
    endTimeUnixNano: span.endTimeUnixNano ?? "0",
  };
}
