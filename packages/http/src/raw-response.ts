import { STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";

// Framing is this writer's job: the response's own say on it is dropped.
const FRAMING_HEADERS = new Set(["connection", "content-length", "transfer-encoding", "date"]);

// Long enough for a client to read the answer, short enough that one which never closes
// its side cannot hold the socket.
const LINGER_MS = 2_000;

/**
 * Writes `response` as raw HTTP/1.1 on a socket Node's parser gave up on (nothing else will
 * ever be read from it), with `Connection: close`, then closes the socket.
 */
export async function writeRawResponse(socket: Duplex, response: Response): Promise<void> {
  const body = Buffer.from(await response.arrayBuffer());
  const head = [`HTTP/1.1 ${response.status} ${STATUS_CODES[response.status] ?? ""}`];
  for (const [name, value] of response.headers) {
    if (!FRAMING_HEADERS.has(name)) head.push(`${name}: ${value}`);
  }
  head.push(`date: ${new Date().toUTCString()}`, `content-length: ${body.byteLength}`);
  head.push("connection: close", "", "");
  if (socket.destroyed || !socket.writable) return;
  // end(), not destroy(): a reset would make the client drop the answer unread.
  socket.end(Buffer.concat([Buffer.from(head.join("\r\n"), "latin1"), body]));
  const linger = setTimeout(() => socket.destroy(), LINGER_MS);
  linger.unref();
  socket.once("close", () => clearTimeout(linger));
}
