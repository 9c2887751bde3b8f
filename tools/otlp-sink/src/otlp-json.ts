// OTLP/JSON as the sink keeps and serves it: lowerCamelCase keys, trace and span ids as lowercase
// hex, 64-bit integers (times, intValue) as decimal strings, enums as numbers, fields at their
// default value left out — the encoding Jaeger's query API v3 answers with.

/** One attribute value; exactly one member is set (none for an empty value). */
export interface OtlpAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string;
  /** A number, or "NaN" / "Infinity" / "-Infinity". */
  doubleValue?: number | string;
  arrayValue?: { values?: OtlpAnyValue[] };
  kvlistValue?: { values?: OtlpKeyValue[] };
  /** Base64. */
  bytesValue?: string;
}

export interface OtlpKeyValue {
  /** Absent means the empty key: protobuf's decoder leaves it out, as any field at its default. */
  key?: string;
  value?: OtlpAnyValue;
}

export interface OtlpResource {
  attributes?: OtlpKeyValue[];
  droppedAttributesCount?: number;
}

export interface OtlpScope {
  name?: string;
  version?: string;
  attributes?: OtlpKeyValue[];
  droppedAttributesCount?: number;
}

export interface OtlpEvent {
  timeUnixNano?: string;
  name?: string;
  attributes?: OtlpKeyValue[];
  droppedAttributesCount?: number;
}

export interface OtlpLink {
  traceId: string;
  spanId: string;
  traceState?: string;
  attributes?: OtlpKeyValue[];
  droppedAttributesCount?: number;
  flags?: number;
}

export interface OtlpStatus {
  message?: string;
  /** 0 unset, 1 ok, 2 error. */
  code?: number;
}

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  traceState?: string;
  parentSpanId?: string;
  flags?: number;
  name?: string;
  /** 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind?: number;
  startTimeUnixNano?: string;
  endTimeUnixNano?: string;
  attributes?: OtlpKeyValue[];
  droppedAttributesCount?: number;
  events?: OtlpEvent[];
  droppedEventsCount?: number;
  links?: OtlpLink[];
  droppedLinksCount?: number;
  status?: OtlpStatus;
}

export interface OtlpScopeSpans {
  scope?: OtlpScope;
  spans?: OtlpSpan[];
  schemaUrl?: string;
}

export interface OtlpResourceSpans {
  resource?: OtlpResource;
  scopeSpans?: OtlpScopeSpans[];
  schemaUrl?: string;
}

/** `TracesData`, the body of an export request and of Jaeger's v3 `result`. */
export interface OtlpTracesData {
  resourceSpans: OtlpResourceSpans[];
}
