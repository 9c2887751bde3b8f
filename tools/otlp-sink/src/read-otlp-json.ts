import { idSizeProblem, SPAN_ID_BYTES, TRACE_ID_BYTES } from "./otlp-ids.ts";
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

// Reads a parsed OTLP/JSON `ExportTraceServiceRequest` straight into the sink's OTLP/JSON, by
// the proto3 JSON mapping with OTLP's exceptions: lowerCamelCase keys only, trace and span ids
// as hex. Unknown fields are skipped, as the OTLP specification asks. A null is the field's
// default, and fields at their default are left out, as a protobuf decoder leaves them; the
// members of an AnyValue are a oneof, kept even at their default ("", 0, false), and a KeyValue
// always has its key, "" included.

/** A value that does not fit its field; `path` locates it from the request's root. */
export class InvalidOtlpField extends Error {
  override readonly name = "InvalidOtlpField";
  /** Field names and `[index]`es, outermost first; filled in as the error leaves each level. */
  readonly segments: string[] = [];

  /** `resourceSpans[0].scopeSpans[0].spans[2].name`, or "" for the request itself. */
  get path(): string {
    return this.segments.map((s, i) => (i === 0 || s.startsWith("[") ? s : `.${s}`)).join("");
  }
}

type JsonObject = Record<string, unknown>;

const HEX = /^[0-9a-fA-F]*$/;
const ALL_ZERO = /^0*$/;
const UNSIGNED = /^[0-9]+$/;
const SIGNED = /^-?[0-9]+$/;
const BASE64 = /^(?:[A-Za-z0-9+/_-]{4})*(?:[A-Za-z0-9+/_-]{2}(?:==)?|[A-Za-z0-9+/_-]{3}=?)?$/;
// A JSON number written as a string: what proto3's JSON mapping accepts for numeric fields.
const DECIMAL = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;
/** Arrays and key-value lists inside one another: deeper is refused, not a stack overflow. */
const MAX_VALUE_DEPTH = 32;
const UINT32_MAX = 2 ** 32 - 1;
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;
const SPAN_KINDS = [
  "SPAN_KIND_UNSPECIFIED",
  "SPAN_KIND_INTERNAL",
  "SPAN_KIND_SERVER",
  "SPAN_KIND_CLIENT",
  "SPAN_KIND_PRODUCER",
  "SPAN_KIND_CONSUMER",
];
const STATUS_CODES = ["STATUS_CODE_UNSET", "STATUS_CODE_OK", "STATUS_CODE_ERROR"];

function shown(value: unknown): string {
  if (typeof value === "string") {
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  }
  if (Array.isArray(value)) return "an array";
  if (value === null) return "null";
  if (typeof value !== "object") return `${typeof value} ${String(value)}`;
  return "an object";
}

function isAbsent(value: unknown): value is null | undefined {
  return value === undefined || value === null;
}

/** Reads `source[key]` with `read`, naming `key` in the error of a value that does not fit. */
function field<T>(source: JsonObject, key: string, read: (value: unknown) => T): T {
  try {
    return read(source[key]);
  } catch (error) {
    if (error instanceof InvalidOtlpField) error.segments.unshift(key);
    throw error;
  }
}

function object(value: unknown): JsonObject {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new InvalidOtlpField(`expected an object, got ${shown(value)}`);
  }
  return value as JsonObject;
}

/** A repeated field; undefined when absent or empty. */
function list<T>(value: unknown, readItem: (item: unknown) => T): T[] | undefined {
  if (isAbsent(value)) return undefined;
  if (!Array.isArray(value)) throw new InvalidOtlpField(`expected an array, got ${shown(value)}`);
  if (value.length === 0) return undefined;
  const items: T[] = new Array(value.length);
  for (let index = 0; index < value.length; index++) {
    try {
      items[index] = readItem(value[index]);
    } catch (error) {
      if (error instanceof InvalidOtlpField) error.segments.unshift(`[${index}]`);
      throw error;
    }
  }
  return items;
}

function string(value: unknown): string | undefined {
  if (isAbsent(value) || value === "") return undefined;
  if (typeof value !== "string")
    throw new InvalidOtlpField(`expected a string, got ${shown(value)}`);
  return value;
}

/** uint32 and fixed32: a number, or a decimal string. */
function uint32(value: unknown): number | undefined {
  if (isAbsent(value)) return undefined;
  const number = typeof value === "string" && UNSIGNED.test(value) ? Number(value) : value;
  if (
    typeof number !== "number" ||
    !Number.isInteger(number) ||
    number < 0 ||
    number > UINT32_MAX
  ) {
    throw new InvalidOtlpField(`expected an unsigned 32-bit integer, got ${shown(value)}`);
  }
  return number === 0 ? undefined : number;
}

/** int64 and fixed64, as OTLP/JSON keeps them: a decimal string. */
function int64(value: unknown, signed: boolean): string {
  let integer: bigint | undefined;
  if (typeof value === "string" && (signed ? SIGNED : UNSIGNED).test(value)) {
    integer = BigInt(value);
  } else if (typeof value === "number" && Number.isInteger(value)) {
    integer = BigInt(value);
  } else if (typeof value === "string" && DECIMAL.test(value)) {
    // "1e3" or "12.0": an integer in another notation, exact only within 2^53.
    const number = Number(value);
    if (Number.isSafeInteger(number)) integer = BigInt(number);
  }
  const [min, max] = signed ? [INT64_MIN, INT64_MAX] : [0n, UINT64_MAX];
  if (integer === undefined || integer < min || integer > max) {
    const kind = signed ? "a 64-bit integer" : "an unsigned 64-bit integer";
    throw new InvalidOtlpField(`expected ${kind}, got ${shown(value)}`);
  }
  return integer.toString();
}

/** fixed64 nanoseconds since the epoch; undefined when absent or 0. */
function unixNano(value: unknown): string | undefined {
  if (isAbsent(value)) return undefined;
  const nanos = int64(value, false);
  return nanos === "0" ? undefined : nanos;
}

function double(value: unknown): number | string {
  if (typeof value === "number") return value;
  if (value === "NaN" || value === "Infinity" || value === "-Infinity") return value;
  const number = typeof value === "string" && DECIMAL.test(value) ? Number(value) : Number.NaN;
  if (!Number.isFinite(number)) {
    throw new InvalidOtlpField(`expected a number, got ${shown(value)}`);
  }
  return number;
}

function bool(value: unknown): boolean {
  if (typeof value !== "boolean")
    throw new InvalidOtlpField(`expected a boolean, got ${shown(value)}`);
  return value;
}

/** bytes: base64 or base64url, padded or not, kept as padded base64. */
function bytes(value: unknown): string {
  if (typeof value !== "string" || !BASE64.test(value)) {
    throw new InvalidOtlpField(`expected base64, got ${shown(value)}`);
  }
  return Buffer.from(value, "base64").toString("base64");
}

/** An enum: its name or its number; undefined when absent or 0. */
function enumeration(names: string[]) {
  return (value: unknown): number | undefined => {
    if (isAbsent(value)) return undefined;
    const index = typeof value === "string" ? names.indexOf(value) : -1;
    const number =
      index >= 0 ? index : typeof value === "string" && SIGNED.test(value) ? Number(value) : value;
    if (
      typeof number !== "number" ||
      !Number.isInteger(number) ||
      number < INT32_MIN ||
      number > INT32_MAX
    ) {
      throw new InvalidOtlpField(
        `expected one of ${names.join(", ")} or its number, got ${shown(value)}`,
      );
    }
    return number === 0 ? undefined : number;
  };
}

/** A trace or span id as lowercase hex; undefined for an empty parent span id. */
function hexId(size: number, optional: boolean) {
  return (value: unknown): string | undefined => {
    if (isAbsent(value) || value === "") {
      if (optional) return undefined;
      throw new InvalidOtlpField(idSizeProblem(size, 0));
    }
    if (typeof value !== "string" || !HEX.test(value) || value.length % 2 !== 0) {
      throw new InvalidOtlpField(`expected a hex string, got ${shown(value)}`);
    }
    if (value.length !== size * 2 || ALL_ZERO.test(value)) {
      throw new InvalidOtlpField(idSizeProblem(size, value.length / 2));
    }
    return value.toLowerCase();
  };
}

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
