/** A dependency's response body that is longer than its client reads. */
export class ResponseTooLargeError extends Error {
  readonly limitBytes: number;

  constructor(limitBytes: number) {
    super(`response body over ${limitBytes} bytes`);
    this.name = "ResponseTooLargeError";
    this.limitBytes = limitBytes;
  }
}

async function discard(body: ReadableStream<Uint8Array>, limitBytes: number): Promise<never> {
  // Cancelling fetch's body aborts the exchange: the connection is closed, nothing more is read.
  await body.cancel().catch(() => undefined);
  throw new ResponseTooLargeError(limitBytes);
}

function concat(chunks: Uint8Array[], totalBytes: number): ArrayBuffer {
  const joined = new Uint8Array(totalBytes);
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return joined.buffer;
}

/**
 * The response's body, read up to `limitBytes` (decoded): one byte more, or a Content-Length
 * that promises more, stops the read, closes the connection and throws ResponseTooLargeError.
 */
export async function readBoundedBody(
  response: Response,
  limitBytes: number,
): Promise<ArrayBuffer> {
  const { body } = response;
  if (body === null) return new ArrayBuffer(0);
  // An encoded length says little about the decoded size: only the read itself can tell then.
  const declared = response.headers.has("content-encoding")
    ? 0
    : Number(response.headers.get("content-length") ?? 0);
  if (declared > limitBytes) return discard(body, limitBytes);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let totalBytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return concat(chunks, totalBytes);
    totalBytes += value.byteLength;
    if (totalBytes > limitBytes) {
      reader.releaseLock();
      return discard(body, limitBytes);
    }
    chunks.push(value);
  }
}
