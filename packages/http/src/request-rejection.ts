import type { IncomingMessage } from "node:http";
import { RequestError } from "@hono/node-server";

/** Why the HTTP server answered a request itself, before the app could run. */
export type RejectionReason =
  /** The request target holds bytes HTTP forbids, or is not a path (e.g. a backslash). */
  | "invalid_path"
  /** A header name or value holds bytes HTTP forbids, or the Host header is not an authority. */
  | "invalid_header"
  /** Anything else the parser refused: the method, the version, the line endings. */
  | "malformed_request"
  /** Broken chunked encoding, or a Content-Length that is invalid or clashes with chunking. */
  | "invalid_body_framing"
  | "headers_too_large"
  /** The headers or body did not arrive in time (the server's headersTimeout/requestTimeout). */
  | "request_timeout"
  /** Not a rejection: the app failed without answering (a non-Error thrown past its handler). */
  | "unhandled_error";

/** What the server knew of a request it rejected, for the responder to answer in the contract. */
export interface RequestRejection {
  reason: RejectionReason;
  /** The header at fault, lower case, when known (`host`). */
  header?: string;
  /** Percent-encoded, without the query; empty when the request line could not be read. */
  path: string;
  /** Empty when the request line could not be read. */
  method: string;
  /** The request's headers when they were parsed (language, Accept, traceparent); else none. */
  headers: Headers;
  /** The server's limit on the request line and headers, in bytes. */
  maxHeaderBytes: number;
}

/** Builds the response to a rejected request: `rejectionResponse`, unless a test stands in. */
export type RejectionResponder = (rejection: RequestRejection) => Response | Promise<Response>;

const REASON_BY_CODE: Readonly<Record<string, RejectionReason>> = {
  HPE_HEADER_OVERFLOW: "headers_too_large",
  HPE_INVALID_URL: "invalid_path",
  HPE_INVALID_HEADER_TOKEN: "invalid_header",
  HPE_INVALID_CHUNK_SIZE: "invalid_body_framing",
  HPE_CHUNK_EXTENSIONS_OVERFLOW: "invalid_body_framing",
  HPE_INVALID_CONTENT_LENGTH: "invalid_body_framing",
  HPE_UNEXPECTED_CONTENT_LENGTH: "invalid_body_framing",
  HPE_INVALID_TRANSFER_ENCODING: "invalid_body_framing",
  ERR_HTTP_REQUEST_TIMEOUT: "request_timeout",
};

/**
 * The reason of a Node `clientError` (llhttp's `HPE_*` codes, the server's timeouts);
 * undefined for socket failures (ECONNRESET…), which leave nobody to answer.
 */
export function reasonOfClientError(error: Error): RejectionReason | undefined {
  const { code } = error as { code?: unknown };
  if (typeof code !== "string") return undefined;
  return REASON_BY_CODE[code] ?? (code.startsWith("HPE_") ? "malformed_request" : undefined);
}

// The Host header alone, as the authority of a URL: nothing but host and port.
function isAuthority(host: string | undefined): boolean {
  if (host === undefined || host === "") return false;
  try {
    const url = new URL(`http://${host}/`);
    return url.pathname === "/" && url.search === "" && url.hash === "" && url.username === "";
  } catch {
    return false;
  }
}

/**
 * The reason of a failure @hono/node-server hands its `errorHandler`. It refuses requests it
 * cannot make a URL of, for the Host or for the path, and names which only in its message:
 * the Host itself tells. Anything else is the app failing without an answer.
 */
export function reasonOfRequestError(
  error: unknown,
  request: IncomingMessage,
): { reason: RejectionReason; header?: string } {
  if (!(error instanceof RequestError)) return { reason: "unhandled_error" };
  if (!isAuthority(request.headers.host)) return { reason: "invalid_header", header: "host" };
  return { reason: "invalid_path" };
}

// RFC 9110 token, bounded: longer "methods" are garbage (a TLS hello on the plain port).
const METHOD = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,32}$/;
const REQUEST_LINE = /^(\S+) (\S+) HTTP\/\d(?:\.\d)?\r?$/;
const PRINTABLE_ASCII = /^[\x21-\x7e]$/;
const MAX_TARGET_BYTES = 8192;

/**
 * The request target as a path the way the app reports it: without query or fragment, every
 * byte outside printable ASCII percent-encoded (so nothing raw is reflected), dot segments
 * resolved. Empty for a target that is not a path.
 */
export function pathOfTarget(target: string): string {
  const encoded = Array.from(Buffer.from(target, "latin1"), (byte) => {
    const char = String.fromCharCode(byte);
    return PRINTABLE_ASCII.test(char)
      ? char
      : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }).join("");
  if (!encoded.startsWith("/") && !/^https?:\/\//i.test(encoded)) return "";
  try {
    return new URL(encoded, "http://localhost").pathname;
  } catch {
    return "";
  }
}

/**
 * Method and path from the bytes the parser refused, when they start with a request line:
 * the packet is the chunk being parsed, so a later chunk of a long request has neither.
 */
export function requestLineOf(rawPacket: unknown): { method: string; path: string } {
  const unknown = { method: "", path: "" };
  if (!Buffer.isBuffer(rawPacket)) return unknown;
  const firstLine = rawPacket.subarray(0, MAX_TARGET_BYTES).toString("latin1").split("\n")[0];
  const [, method, target] = REQUEST_LINE.exec(firstLine ?? "") ?? [];
  if (method === undefined || target === undefined || !METHOD.test(method)) return unknown;
  return { method, path: pathOfTarget(target) };
}

/** The rejection of a request Node parsed (a bad Host, or framing that broke after the headers). */
export function rejectionOfRequest(
  request: IncomingMessage,
  details: { reason: RejectionReason; header?: string; maxHeaderBytes: number },
): RequestRejection {
  const headers = new Headers();
  const raw = request.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    try {
      headers.append(String(raw[i]), String(raw[i + 1]));
    } catch {
      // A value fetch refuses but Node let through only loses its negotiation, not the answer.
    }
  }
  const method = request.method ?? "";
  return {
    ...details,
    method: METHOD.test(method) ? method : "",
    path: pathOfTarget(request.url ?? ""),
    headers,
  };
}
