import type { OtlpResourceSpans } from "./otlp-json.ts";
import { OtlpRequestError } from "./otlp-request-error.ts";

export const TRACE_ID_BYTES = 16;
export const SPAN_ID_BYTES = 8;

/** What is wrong with an id of `got` bytes where `size` bytes, not all zero, were expected. */
export function idSizeProblem(size: number, got: number): string {
  return `must be ${size} bytes (${size * 2} hex characters), not all zero; got ${got} bytes`;
}

function toHexId(base64: string | undefined, bytes: number, path: string): string {
  const id = Buffer.from(base64 ?? "", "base64");
  if (id.length !== bytes || id.every((byte) => byte === 0)) {
    throw new OtlpRequestError(400, `${path}: ${idSizeProblem(bytes, id.length)}`);
  }
  return id.toString("hex");
}

/**
 * Turns the base64 ids of a decoded protobuf request into lowercase hex, checking their length: a trace id
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
