import { idSizeProblem } from "./otlp-ids.ts";

// Readers of single fields of OTLP/JSON, by the proto3 JSON mapping with OTLP's exception for
// trace and span ids (hex, not base64). Each takes the field's JSON value and returns it as the
// sink keeps it, undefined for a field at its default, or throws InvalidOtlpField.

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
const UINT32_MAX = 2 ** 32 - 1;
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

function shown(value: unknown): string {
  if (typeof value === "string") {
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  }
  if (Array.isArray(value)) return "an array";
  if (value === null) return "null";
  if (typeof value !== "object") return `${typeof value} ${String(value)}`;
  return "an object";
}

export function isAbsent(value: unknown): value is null | undefined {
  return value === undefined || value === null;
}

/** Reads `source[key]` with `read`, naming `key` in the error of a value that does not fit. */
export function field<T>(source: JsonObject, key: string, read: (value: unknown) => T): T {
  try {
    return read(source[key]);
  } catch (error) {
    if (error instanceof InvalidOtlpField) error.segments.unshift(key);
    throw error;
  }
}

export function object(value: unknown): JsonObject {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new InvalidOtlpField(`expected an object, got ${shown(value)}`);
  }
  return value as JsonObject;
}

/** A repeated field; undefined when absent or empty. */
export function list<T>(value: unknown, readItem: (item: unknown) => T): T[] | undefined {
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

export function string(value: unknown): string | undefined {
  if (isAbsent(value) || value === "") return undefined;
  if (typeof value !== "string")
    throw new InvalidOtlpField(`expected a string, got ${shown(value)}`);
  return value;
}

/** uint32 and fixed32: a number, or a decimal string. */
export function uint32(value: unknown): number | undefined {
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
export function int64(value: unknown, signed: boolean): string {
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
export function unixNano(value: unknown): string | undefined {
  if (isAbsent(value)) return undefined;
  const nanos = int64(value, false);
  return nanos === "0" ? undefined : nanos;
}

export function double(value: unknown): number | string {
  if (typeof value === "number") return value;
  if (value === "NaN" || value === "Infinity" || value === "-Infinity") return value;
  const number = typeof value === "string" && DECIMAL.test(value) ? Number(value) : Number.NaN;
  if (!Number.isFinite(number)) {
    throw new InvalidOtlpField(`expected a number, got ${shown(value)}`);
  }
  return number;
}

export function bool(value: unknown): boolean {
  if (typeof value !== "boolean")
    throw new InvalidOtlpField(`expected a boolean, got ${shown(value)}`);
  return value;
}

/** bytes: base64 or base64url, padded or not, kept as padded base64. */
export function bytes(value: unknown): string {
  if (typeof value !== "string" || !BASE64.test(value)) {
    throw new InvalidOtlpField(`expected base64, got ${shown(value)}`);
  }
  return Buffer.from(value, "base64").toString("base64");
}

/** An enum: its name or its number; undefined when absent or 0. */
export function enumeration(names: string[]) {
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
export function hexId(size: number, optional: boolean) {
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
