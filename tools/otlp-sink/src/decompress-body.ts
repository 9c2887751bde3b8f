import { gunzipSync, inflateSync } from "node:zlib";
import { OtlpRequestError } from "./otlp-request-error.ts";

const DECOMPRESSORS = {
  gzip: gunzipSync,
  "x-gzip": gunzipSync,
  deflate: inflateSync,
} as const;

/** The content codings the receiver reads, besides `identity`. */
export const SUPPORTED_CONTENT_ENCODINGS = Object.keys(DECOMPRESSORS);

function isSupported(coding: string): coding is keyof typeof DECOMPRESSORS {
  return Object.hasOwn(DECOMPRESSORS, coding);
}

/**
 * Undoes the `Content-Encoding` of a request body, refusing to inflate past `maxBytes` so that a
 * small compressed body cannot exhaust memory. Throws `OtlpRequestError` 415, 413 or 400.
 */
export function decompressBody(
  body: Uint8Array,
  contentEncoding: string | undefined,
  maxBytes: number,
): Uint8Array {
  const coding = (contentEncoding ?? "identity").trim().toLowerCase();
  if (coding === "identity" || coding === "") return body;
  if (!isSupported(coding)) {
    throw new OtlpRequestError(
      415,
      `unsupported Content-Encoding "${coding}": use ${SUPPORTED_CONTENT_ENCODINGS.join(", ")} or identity`,
    );
  }
  try {
    return DECOMPRESSORS[coding](body, { maxOutputLength: maxBytes });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") {
      throw new OtlpRequestError(413, `decompressed body exceeds ${maxBytes} bytes`, {
        cause: error,
      });
    }
    throw new OtlpRequestError(400, `invalid ${coding} body: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
