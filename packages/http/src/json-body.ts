import {
  AppError,
  InvalidParameterError,
  PayloadTooLargeError,
  RequestBodyInvalidError,
  UnsupportedMediaTypeError,
} from "@tracemesh/errors";
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { findMalformedString } from "./malformed-string.ts";

export interface JsonBodyOptions {
  /** Largest accepted body, in bytes. @default 1048576 (1 MiB) */
  maxBytes?: number;
  /** Whether the top-level JSON value must be an object (not an array, string, number or null). @default true */
  objectOnly?: boolean;
}

// The media types Hono's validator reads as JSON: application/json and application/*+json.
const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;
// RFC 8259 requires UTF-8; the default decoder would silently turn bad bytes into U+FFFD.
const UTF8 = new TextDecoder("utf-8", { fatal: true });

function isJsonMediaType(contentType: string): boolean {
  return JSON_MEDIA_TYPE.test(contentType.split(";")[0]?.trim() ?? "");
}

function decodeUtf8(bytes: ArrayBuffer): string {
  try {
    return UTF8.decode(bytes);
  } catch (cause) {
    throw new RequestBodyInvalidError({
      cause,
      details: [{ type: "body", issue: "invalid_utf8" }],
    });
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new RequestBodyInvalidError({
      cause,
      details: [{ type: "body", issue: "malformed_json" }],
    });
  }
}

// JSON.parse accepts `"\ud800"`, and the driver would store it as U+FFFD: refused instead.
function refuseMalformedStrings(value: unknown): void {
  const path = findMalformedString(value);
  if (path === undefined) return;
  const detail = path.length > 0 ? { field: path.join(".") } : {};
  throw new InvalidParameterError([{ ...detail, issue: "not_well_formed" }], {
    message: "JSON body holds a lone surrogate",
  });
}

// A stream that broke off (the client aborted, or the server refused its chunked framing)
// is the client's doing: not an INTERNAL_ERROR with a stack in the logs.
function unreadableBody(error: unknown): unknown {
  if (error instanceof AppError || error instanceof HTTPException) return error;
  return new RequestBodyInvalidError({
    cause: error,
    details: [{ type: "body", issue: "unreadable" }],
  });
}

/**
 * Guards a JSON route before validation: 415 UNSUPPORTED_MEDIA_TYPE for another content type,
 * 413 PAYLOAD_TOO_LARGE past `maxBytes` (a declared length before a byte is read, which relies on
 * Node's parser never reading past it; a chunked body as it streams in, with hono/body-limit),
 * 400 REQUEST_BODY_INVALID for bytes that are not UTF-8 JSON or a body that cannot be read,
 * 400 REQUEST_PARAMETER_INVALID (`not_well_formed`) for a string with a lone surrogate.
 * A request without a body passes.
 */
export function jsonBody(options: JsonBodyOptions = {}): MiddlewareHandler {
  const { maxBytes = 1_048_576, objectOnly = true } = options;
  const limit = bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new PayloadTooLargeError({ maxBytes });
    },
  });
  return async function jsonBodyMiddleware(c, next) {
    if (c.req.method === "GET" || c.req.method === "HEAD") return next();
    const length = declaredLength(
      c.req.header("Content-Length"),
      c.req.header("Transfer-Encoding"),
    );
    // A declared body is read straight from the socket by @hono/node-server, unless something
    // asks for c.req.raw.body first: that builds a web Request and streams. So it is asked only
    // when no length is declared (a bodiless request outside Node has a null body).
    if (length === undefined && c.req.raw.body === null) return next();
    const contentType = c.req.header("Content-Type");
    const declaredJson = contentType !== undefined && isJsonMediaType(contentType);
    if (contentType !== undefined && !declaredJson) throw new UnsupportedMediaTypeError();
    let read = false;
    const readJsonBody = async () => {
      const bytes = await c.req.arrayBuffer();
      read = true;
      // Servers hand every POST a body stream; an empty one without a type means "no body".
      if (!declaredJson && bytes.byteLength === 0) return next();
      if (!declaredJson) throw new UnsupportedMediaTypeError();
      const text = decodeUtf8(bytes);
      const value = parseJson(text);
      if (objectOnly && (typeof value !== "object" || value === null || Array.isArray(value))) {
        throw new InvalidParameterError([{ issue: "invalid_type", expected: "object" }], {
          message: "JSON body is not an object",
        });
      }
      refuseMalformedStrings(value);
      // For the validator's c.req.json(), which reads Hono's cached text: without it, Hono would
      // decode the bytes again through a Response built over them. (Hono caches promises; its
      // type says values.)
      (c.req.bodyCache as { text?: Promise<string> }).text = Promise.resolve(text);
      await next();
    };
    try {
      if (length === undefined) {
        // Chunked: counted as it streams in, refused once past the limit.
        await limit(c, readJsonBody);
      } else {
        // Refused before a byte is read; Node's parser never reads past the declared length.
        if (length > maxBytes) throw new PayloadTooLargeError({ maxBytes });
        await readJsonBody();
      }
    } catch (error) {
      // Once the body is read, what fails downstream is the route's own error.
      throw read ? error : unreadableBody(error);
    }
  };
}

/** The body's declared length; undefined when it streams (chunked) or declares none. */
function declaredLength(
  contentLength: string | undefined,
  transferEncoding: string | undefined,
): number | undefined {
  if (transferEncoding !== undefined || contentLength === undefined) return undefined;
  return /^\d+$/.test(contentLength) ? Number(contentLength) : undefined;
}
