import { base64IdsToHex } from "./otlp-ids.ts";
import type { OtlpResourceSpans } from "./otlp-json.ts";
import { InvalidOtlpField } from "./otlp-json-fields.ts";
import { OtlpRequestError } from "./otlp-request-error.ts";
import { ExportTraceServiceRequest } from "./otlp-trace-proto.ts";
import { readOtlpJsonRequest } from "./read-otlp-json.ts";

/** The two OTLP/HTTP encodings. */
export type OtlpEncoding = "json" | "protobuf";

function invalidJson(detail: string, cause: unknown): OtlpRequestError {
  return new OtlpRequestError(400, `invalid OTLP/JSON payload: ${detail}`, { cause });
}

function readJson(body: Uint8Array): OtlpResourceSpans[] {
  let request: unknown;
  try {
    request = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body));
  } catch (error) {
    throw invalidJson((error as Error).message, error);
  }
  try {
    return readOtlpJsonRequest(request);
  } catch (error) {
    if (!(error instanceof InvalidOtlpField)) throw error;
    throw invalidJson(`${error.path || "the request"}: ${error.message}`, error);
  }
}

function readProtobuf(body: Uint8Array): OtlpResourceSpans[] {
  let message: ReturnType<typeof ExportTraceServiceRequest.decode>;
  try {
    message = ExportTraceServiceRequest.decode(body);
  } catch (error) {
    throw new OtlpRequestError(400, `invalid OTLP protobuf payload: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const request = ExportTraceServiceRequest.toObject(message, {
    longs: String,
    enums: Number,
    bytes: String,
    json: true,
  });
  const resourceSpans: OtlpResourceSpans[] = request.resourceSpans ?? [];
  base64IdsToHex(resourceSpans);
  return resourceSpans;
}

/**
 * Decodes an `ExportTraceServiceRequest` body into OTLP/JSON resource spans with hex ids.
 * Throws `OtlpRequestError` (400) on a body that is not a valid request.
 */
export function decodeTracesRequest(body: Uint8Array, encoding: OtlpEncoding): OtlpResourceSpans[] {
  return encoding === "json" ? readJson(body) : readProtobuf(body);
}
