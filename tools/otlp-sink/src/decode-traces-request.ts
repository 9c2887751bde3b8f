import type { Message } from "protobufjs";
import protojson from "protobufjs/ext/protojson.js";
import { base64IdsToHex, hexIdsToBase64 } from "./otlp-ids.ts";
import type { OtlpResourceSpans } from "./otlp-json.ts";
import { OtlpRequestError } from "./otlp-request-error.ts";
import { ExportTraceServiceRequest } from "./otlp-trace-proto.ts";

/** The two OTLP/HTTP encodings. */
export type OtlpEncoding = "json" | "protobuf";

function parseJson(body: Uint8Array): Message {
  let request: unknown;
  try {
    request = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body));
  } catch (error) {
    throw new OtlpRequestError(400, `invalid OTLP/JSON payload: ${(error as Error).message}`, {
      cause: error,
    });
  }
  hexIdsToBase64(request);
  try {
    // The OTLP specification asks receivers to ignore fields they do not know.
    return protojson.fromJson(ExportTraceServiceRequest, request, { ignoreUnknownFields: true });
  } catch (error) {
    throw new OtlpRequestError(400, `invalid OTLP/JSON payload: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

function parseProtobuf(body: Uint8Array): Message {
  try {
    return ExportTraceServiceRequest.decode(body);
  } catch (error) {
    throw new OtlpRequestError(400, `invalid OTLP protobuf payload: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/**
 * Decodes an `ExportTraceServiceRequest` body into OTLP/JSON resource spans with hex ids.
 * Throws `OtlpRequestError` (400) on a body that is not a valid request.
 */
export function decodeTracesRequest(body: Uint8Array, encoding: OtlpEncoding): OtlpResourceSpans[] {
  const message = encoding === "json" ? parseJson(body) : parseProtobuf(body);
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
