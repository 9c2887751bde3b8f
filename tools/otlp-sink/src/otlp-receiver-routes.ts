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

// Copied into a plain ArrayBuffer-backed array, the body type web responses take.
const EMPTY_PROTOBUF_RESPONSE = new Uint8Array(ExportTraceServiceResponse.encode({}).finish());

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
        store.add(decodeTracesRequest(body, encoding));
        // A full success is an empty ExportTraceServiceResponse, in the request's encoding.
        if (encoding === "json") return c.json({});
        return c.body(EMPTY_PROTOBUF_RESPONSE, 200, { "content-type": "application/x-protobuf" });
      } catch (error) {
        if (error instanceof OtlpRequestError) return refuse(c, error);
        throw error;
      }
    },
  );

  return routes;
}
