import { connect } from "node:net";

export interface RawExchange {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: string;
  /** Whether the server closed the connection after answering. */
  closedByServer: boolean;
}

/**
 * Sends `bytes` as they are on a new connection to 127.0.0.1:`port` and reads the answer
 * until the server closes: for requests no HTTP client would send (broken framing, bad bytes).
 */
export function sendRaw(port: number, bytes: string | Uint8Array, timeoutMs = 5_000) {
  return new Promise<RawExchange>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let closedByServer = false;
    const socket = connect(port, "127.0.0.1", () => socket.write(bytes));
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error("no answer in time")));
    socket.on("data", (chunk) => chunks.push(chunk));
    socket.on("end", () => {
      closedByServer = true;
    });
    socket.on("error", reject);
    socket.on("close", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const split = text.indexOf("\r\n\r\n");
      if (split === -1) return reject(new Error(`no HTTP response: ${JSON.stringify(text)}`));
      const [statusLine = "", ...lines] = text.slice(0, split).split("\r\n");
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(":");
        headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
      }
      const status = Number(statusLine.split(" ")[1]);
      resolve({ status, headers, body: text.slice(split + 4), closedByServer });
    });
  });
}

/** The exchange's answer as a fetch Response, for assertions written against one. */
export function toResponse(exchange: RawExchange): Response {
  return new Response(exchange.body, { status: exchange.status, headers: exchange.headers });
}
