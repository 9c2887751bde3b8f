import { SPAN_ID_BYTES, TRACE_ID_BYTES } from "./otlp-ids.ts";
import type {
  OtlpAnyValue,
  OtlpEvent,
  OtlpKeyValue,
  OtlpLink,
  OtlpResource,
  OtlpResourceSpans,
  OtlpScope,
  OtlpScopeSpans,
  OtlpSpan,
  OtlpStatus,
} from "./otlp-json.ts";
import {
  bool,
  bytes,
  double,
  enumeration,
  field,
  hexId,
  InvalidOtlpField,
  int64,
  isAbsent,
  list,
  object,
  string,
  uint32,
  unixNano,
} from "./otlp-json-fields.ts";

// Reads a parsed OTLP/JSON `ExportTraceServiceRequest` straight into the sink's OTLP/JSON, by
// the proto3 JSON mapping with OTLP's exceptions: lowerCamelCase keys only, trace and span ids
// as hex. Unknown fields are skipped, as the OTLP specification asks. A null is the field's
// default, and fields at their default are left out, as a protobuf decoder leaves them; the
// members of an AnyValue are a oneof, kept even at their default ("", 0, false), and a KeyValue
// always has its key, "" included.

/** Arrays and key-value lists inside one another: deeper is refused, not a stack overflow. */
const MAX_VALUE_DEPTH = 32;
const SPAN_KINDS = [
  "SPAN_KIND_UNSPECIFIED",
  "SPAN_KIND_INTERNAL",
  "SPAN_KIND_SERVER",
  "SPAN_KIND_CLIENT",
  "SPAN_KIND_PRODUCER",
  "SPAN_KIND_CONSUMER",
];
const STATUS_CODES = ["STATUS_CODE_UNSET", "STATUS_CODE_OK", "STATUS_CODE_ERROR"];

const spanKind = enumeration(SPAN_KINDS);
const statusCode = enumeration(STATUS_CODES);
const traceId = hexId(TRACE_ID_BYTES, false);
const spanId = hexId(SPAN_ID_BYTES, false);
const parentSpanId = hexId(SPAN_ID_BYTES, true);

function anyValue(value: unknown): OtlpAnyValue {
  const source = object(value);
  let result: OtlpAnyValue = {};
  let member: string | undefined;
  for (const name in source) {
    const raw = source[name];
    if (isAbsent(raw)) continue;
    let read: OtlpAnyValue;
    switch (name) {
      case "stringValue":
        read = { stringValue: field(source, name, (v) => string(v) ?? "") };
        break;
      case "boolValue":
        read = { boolValue: field(source, name, bool) };
        break;
      case "intValue":
        read = { intValue: field(source, name, (v) => int64(v, true)) };
        break;
      case "doubleValue":
        read = { doubleValue: field(source, name, double) };
        break;
      case "arrayValue":
        read = { arrayValue: field(source, name, arrayValue) };
        break;
      case "kvlistValue":
        read = { kvlistValue: field(source, name, keyValueList) };
        break;
      case "bytesValue":
        read = { bytesValue: field(source, name, bytes) };
        break;
      default:
        continue;
    }
    if (member !== undefined) {
      throw new InvalidOtlpField(`sets both ${member} and ${name}: an AnyValue holds one`);
    }
    member = name;
    result = read;
  }
  return result;
}

let valueDepth = 0;

/** Reads an array or key-value list value, one level deeper than its parent. */
function nested<T>(read: () => T): T {
  if (valueDepth >= MAX_VALUE_DEPTH) {
    throw new InvalidOtlpField(`values nested deeper than ${MAX_VALUE_DEPTH} levels`);
  }
  valueDepth += 1;
  try {
    return read();
  } finally {
    valueDepth -= 1;
  }
}

function arrayValue(value: unknown): { values?: OtlpAnyValue[] } {
  const values = nested(() => field(object(value), "values", (v) => list(v, anyValue)));
  return values ? { values } : {};
}

function keyValueList(value: unknown): { values?: OtlpKeyValue[] } {
  const values = nested(() => field(object(value), "values", attributes));
  return values ? { values } : {};
}

function keyValue(value: unknown): OtlpKeyValue {
  const source = object(value);
  const keyValue: OtlpKeyValue = { key: field(source, "key", string) ?? "" };
  if (!isAbsent(source.value)) keyValue.value = field(source, "value", anyValue);
  return keyValue;
}

function attributes(value: unknown): OtlpKeyValue[] | undefined {
  return list(value, keyValue);
}

/** Assigns the fields whose value is not undefined. */
function withDefined<T extends object>(target: T, fields: Partial<T>): T {
  for (const name in fields) {
    if (fields[name] !== undefined) target[name] = fields[name] as T[typeof name];
  }
  return target;
}

function resource(value: unknown): OtlpResource {
  const source = object(value);
  return withDefined<OtlpResource>(
    {},
    {
      attributes: field(source, "attributes", attributes),
      droppedAttributesCount: field(source, "droppedAttributesCount", uint32),
    },
  );
}

function scope(value: unknown): OtlpScope {
  const source = object(value);
  return withDefined<OtlpScope>(
    {},
    {
      name: field(source, "name", string),
      version: field(source, "version", string),
      attributes: field(source, "attributes", attributes),
      droppedAttributesCount: field(source, "droppedAttributesCount", uint32),
    },
  );
}

function event(value: unknown): OtlpEvent {
  const source = object(value);
  return withDefined<OtlpEvent>(
    {},
    {
      timeUnixNano: field(source, "timeUnixNano", unixNano),
      name: field(source, "name", string),
      attributes: field(source, "attributes", attributes),
      droppedAttributesCount: field(source, "droppedAttributesCount", uint32),
    },
  );
}

function link(value: unknown): OtlpLink {
  const source = object(value);
  return withDefined<OtlpLink>(
    {
      traceId: field(source, "traceId", traceId) as string,
      spanId: field(source, "spanId", spanId) as string,
    },
    {
      traceState: field(source, "traceState", string),
      attributes: field(source, "attributes", attributes),
      droppedAttributesCount: field(source, "droppedAttributesCount", uint32),
      flags: field(source, "flags", uint32),
    },
  );
}

function status(value: unknown): OtlpStatus {
  const source = object(value);
  return withDefined<OtlpStatus>(
    {},
    { message: field(source, "message", string), code: field(source, "code", statusCode) },
  );
}

function span(value: unknown): OtlpSpan {
  const source = object(value);
  return withDefined<OtlpSpan>(
    {
      traceId: field(source, "traceId", traceId) as string,
      spanId: field(source, "spanId", spanId) as string,
    },
    {
      traceState: field(source, "traceState", string),
      parentSpanId: field(source, "parentSpanId", parentSpanId),
      flags: field(source, "flags", uint32),
      name: field(source, "name", string),
      kind: field(source, "kind", spanKind),
      startTimeUnixNano: field(source, "startTimeUnixNano", unixNano),
      endTimeUnixNano: field(source, "endTimeUnixNano", unixNano),
      attributes: field(source, "attributes", attributes),
      droppedAttributesCount: field(source, "droppedAttributesCount", uint32),
      events: field(source, "events", (v) => list(v, event)),
      droppedEventsCount: field(source, "droppedEventsCount", uint32),
      links: field(source, "links", (v) => list(v, link)),
      droppedLinksCount: field(source, "droppedLinksCount", uint32),
      status: isAbsent(source.status) ? undefined : field(source, "status", status),
    },
  );
}

function scopeSpans(value: unknown): OtlpScopeSpans {
  const source = object(value);
  return withDefined<OtlpScopeSpans>(
    {},
    {
      scope: isAbsent(source.scope) ? undefined : field(source, "scope", scope),
      spans: field(source, "spans", (v) => list(v, span)),
      schemaUrl: field(source, "schemaUrl", string),
    },
  );
}

function resourceSpans(value: unknown): OtlpResourceSpans {
  const source = object(value);
  return withDefined<OtlpResourceSpans>(
    {},
    {
      resource: isAbsent(source.resource) ? undefined : field(source, "resource", resource),
      scopeSpans: field(source, "scopeSpans", (v) => list(v, scopeSpans)),
      schemaUrl: field(source, "schemaUrl", string),
    },
  );
}

/**
 * The resource spans of a parsed OTLP/JSON export request, as the sink keeps them: ids in
 * lowercase hex, 64-bit integers as decimal strings, enums as numbers, defaults left out.
 * Throws `InvalidOtlpField` at the first value that does not fit its field.
 */
export function readOtlpJsonRequest(request: unknown): OtlpResourceSpans[] {
  const source = object(request);
  return field(source, "resourceSpans", (v) => list(v, resourceSpans)) ?? [];
}
