import type { OtlpAnyValue, OtlpKeyValue } from "./otlp-json.ts";

/** An OTLP attribute value as plain, JSON-serializable data. */
export type AttributeValue =
  | string
  | number
  | boolean
  | null
  | AttributeValue[]
  | { [key: string]: AttributeValue };

/** Attributes as a plain object keyed by attribute name. */
export type Attributes = Record<string, AttributeValue>;

function int64ToNumber(value: string): number | string {
  const number = Number(value);
  // Beyond 2^53 a number would round: keep the exact decimal string OTLP/JSON used.
  return Number.isSafeInteger(number) ? number : value;
}

/**
 * An OTLP `AnyValue` as plain data: int64 as a number (a decimal string beyond 2^53), bytes as
 * base64, arrays and key-value lists as arrays and objects, an empty value as null.
 */
export function toAttributeValue(value: OtlpAnyValue | undefined): AttributeValue {
  if (value === undefined) return null;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) return int64ToNumber(value.intValue);
  if (value.doubleValue !== undefined) return Number(value.doubleValue);
  if (value.bytesValue !== undefined) return value.bytesValue;
  if (value.arrayValue !== undefined) return (value.arrayValue.values ?? []).map(toAttributeValue);
  if (value.kvlistValue !== undefined) return toAttributes(value.kvlistValue.values);
  return null;
}

/** OTLP `KeyValue` list → plain object; the last of duplicate keys wins. */
export function toAttributes(keyValues: OtlpKeyValue[] | undefined): Attributes {
  const attributes: Attributes = {};
  for (const { key = "", value } of keyValues ?? []) attributes[key] = toAttributeValue(value);
  return attributes;
}
