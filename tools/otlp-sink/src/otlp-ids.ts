import type { OtlpResourceSpans } from "./otlp-json.ts";
import { OtlpRequestError } from "./otlp-request-error.ts";

const HEX = /^[0-9a-fA-F]*$/;
const TRACE_ID_BYTES = 16;
const SPAN_ID_BYTES = 8;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function recordsAt(value: unknown, key: string): Record<string, unknown>[] {
  if (!isRecord(value)) return [];
  const items = value[key];
  return Array.isArray(items) ? items.filter(isRecord) : [];
}

function hexToBase64(record: Record<string, unknown>, key: string, path: string): void {
  const value = record[key];
  if (typeof value !== "string") return;
  if (!HEX.test(value) || value.length % 2 !== 0) {
    const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
    throw new OtlpRequestError(400, `${path}.${key}: expected a hex string, got "${shown}"`);
  }
  record[key] = Buffer.from(value, "hex").toString("base64");
}

/**
 * OTLP/JSON writes trace and span ids as hex where proto3 JSON expects base64: rewrite them in a
 * freshly parsed request so the generic protobuf JSON parser can read it. Leaves values of the
 * wrong type alone for that parser to report.
 */
export function hexIdsToBase64(request: unknown): void {
  recordsAt(request, "resourceSpans").forEach((resourceSpans, r) => {
    recordsAt(resourceSpans, "scopeSpans").forEach((scopeSpans, s) => {
      recordsAt(scopeSpans, "spans").forEach((span, i) => {
        const path = `resourceSpans[${r}].scopeSpans[${s}].spans[${i}]`;
        for (const key of ["traceId", "spanId", "parentSpanId"]) hexToBase64(span, key, path);
        recordsAt(span, "links").forEach((link, l) => {
          for (const key of ["traceId", "spanId"]) hexToBase64(link, key, `${path}.links[${l}]`);
        });
      });
    });
  });
}

function toHexId(base64: string | undefined, bytes: number, path: string): string {
  const id = Buffer.from(base64 ?? "", "base64");
  if (id.length !== bytes || id.every((byte) => byte === 0)) {
    throw new OtlpRequestError(
      400,
      `${path}: must be ${bytes} bytes (${bytes * 2} hex characters), not all zero; got ${id.length} bytes`,
    );
  }
  return id.toString("hex");
}

/**
 * Turns the base64 ids of a decoded request into lowercase hex, checking their length: a trace id
 * is 16 bytes, a span id 8, and an empty parent span id means a root span.
 */
export function base64IdsToHex(resourceSpansList: OtlpResourceSpans[]): void {
  resourceSpansList.forEach((resourceSpans, r) => {
    resourceSpans.scopeSpans?.forEach((scopeSpans, s) => {
      scopeSpans.spans?.forEach((span, i) => {
        const path = `resourceSpans[${r}].scopeSpans[${s}].spans[${i}]`;
        span.traceId = toHexId(span.traceId, TRACE_ID_BYTES, `${path}.traceId`);
        span.spanId = toHexId(span.spanId, SPAN_ID_BYTES, `${path}.spanId`);
        if (span.parentSpanId) {
          span.parentSpanId = toHexId(span.parentSpanId, SPAN_ID_BYTES, `${path}.parentSpanId`);
        } else {
          delete span.parentSpanId;
        }
        span.links?.forEach((link, l) => {
          link.traceId = toHexId(link.traceId, TRACE_ID_BYTES, `${path}.links[${l}].traceId`);
          link.spanId = toHexId(link.spanId, SPAN_ID_BYTES, `${path}.links[${l}].spanId`);
        });
      });
    });
  });
}
