import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { decodeTracesRequest, type OtlpEncoding } from "./decode-traces-request.ts";
import { decompressBody } from "./decompress-body.ts";
import { OtlpRequestError } from "./otlp-request-error.ts";
import { ExportTraceServiceResponse } from "./otlp-trace-proto.ts";
import type { SpanStore } from "./span-store.ts";

export interface OtlpReceiverOptions {
  /** Largest request body taken, compressed and decompressed alike. @default 16 MiB */
  maxBodyBytes?: number;
}

const MEDIA_TYPES: Record<string, OtlpEncoding> = {
  "application/json": "json",
  "application/x-protobuf": "protobuf",
  "application/protobuf": "protobuf",
};

// google.rpc.Code INVALID_ARGUMENT: OTLP/HTTP errors carry a google.rpc.Status body.
const INVALID_ARGUMENT = 3;

/**
 * An ExportTraceServiceResponse in the request's encoding: empty for a full success, with
 * `partialSuccess` when some spans were not kept (the SDKs log it as a warning).
 */
function exportResponse(c: Context, encoding: OtlpEncoding, rejected: number): Response {
  const response =
    rejected === 0
      ? {}
      : {
          partialSuccess: {
            rejectedSpans: rejected,
            errorMessage: `${rejected} span(s) not kept: their trace holds as many spans as the sink keeps of one (MAX_SPANS_PER_TRACE)`,
          },
        };
  if (encoding === "json") return c.json(response);
  const body = rejected === 0 ? EMPTY_PROTOBUF_RESPONSE : protobufBody(response);
  return c.body(body, 200, { "content-type": "application/x-protobuf" });
}

// Copied into a plain ArrayBuffer-backed array, the body type web responses take.
const protobufBody = (response: object) =>
  new Uint8Array(ExportTraceServiceResponse.encode(response).finish());
// Every full success answers the same bytes: encoded once.
const EMPTY_PROTOBUF_RESPONSE = protobufBody({});

function encodingOf(contentType: string | undefined): OtlpEncoding {
  const mediaType = (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  const encoding = MEDIA_TYPES[mediaType];
  if (!encoding) {
    throw new OtlpRequestError(
      415,
      `unsupported Content-Type "${mediaType}": use application/json or application/x-protobuf`,
    );
  }
  return encoding;
}

function refuse(c: Context, error: OtlpRequestError): Response {
  return c.json({ code: INVALID_ARGUMENT, message: error.message }, error.status);
}

/** OTLP/HTTP trace receiver: `POST /v1/traces`, JSON or protobuf, optionally compressed. */
export function createOtlpReceiverRoutes(
  store: SpanStore,
  options: OtlpReceiverOptions = {},
): Hono {
  const { maxBodyBytes = 16 * 1024 * 1024 } = options;
  const routes = new Hono();
  const tooLarge = new OtlpRequestError(413, `request body exceeds ${maxBodyBytes} bytes`);

  routes.post(
    "/v1/traces",
    bodyLimit({ maxSize: maxBodyBytes, onError: (c) => refuse(c, tooLarge) }),
    async function receiveTraces(c) {
      try {
        const encoding = encodingOf(c.req.header("content-type"));
        const compressed = new Uint8Array(await c.req.arrayBuffer());
        const body = decompressBody(compressed, c.req.header("content-encoding"), maxBodyBytes);
        const rejected = store.add(decodeTracesRequest(body, encoding));
        return exportResponse(c, encoding, rejected);
      } catch (error) {
        if (error instanceof OtlpRequestError) return refuse(c, error);
        throw error;
      }
    },
  );

  return routes;
}
