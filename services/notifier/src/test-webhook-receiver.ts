import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One request the receiver read in full. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The Idempotency-Key header, as a receiver deduplicates by it. */
  key: string | undefined;
}

/**
 * How the receiver answers: a status now, or a status with a Retry-After or after a pause, or
 * "hold" (never).
 */
export type Answer = number | { status: number; afterMs?: number; retryAfter?: string } | "hold";

export interface WebhookReceiver {
  url: string;
  /** Every request read, answered or not. */
  received: ReceivedRequest[];
  /** Requests the receiver accepted (answered 2xx): the deliveries that count. */
  accepted: ReceivedRequest[];
  answer(decide: (request: ReceivedRequest) => Answer): void;
  /** Resolves once `count` requests were accepted. */
  waitForAccepted(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** A real HTTP server standing in for a notification webhook; answers 204 unless told otherwise. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedRequest[] = [];
  const accepted: ReceivedRequest[] = [];
  const waiters = new Set<() => void>();
  let decide: (request: ReceivedRequest) => Answer = () => 204;
  const held = new Set<ServerResponse>();

  function respond(
    request: ReceivedRequest,
    res: ServerResponse,
    status: number,
    retryAfter?: string,
  ): void {
    // The sender hung up first (it died): nothing was acknowledged, so nothing was delivered.
    if (res.destroyed || !res.socket || res.socket.destroyed) return;
    // Counted before the answer is written: a receiver commits, then acknowledges.
    if (status >= 200 && status < 300) accepted.push(request);
    const headers = {
      "content-type": "application/json",
      ...(retryAfter && { "retry-after": retryAfter }),
    };
    res.writeHead(status, headers).end(status === 204 ? "" : "{}");
    for (const wake of waiters) wake();
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const key = req.headers["idempotency-key"];
      const request: ReceivedRequest = {
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        key: typeof key === "string" ? key : undefined,
      };
      received.push(request);
      const answer = decide(request);
      if (answer === "hold") {
        held.add(res);
        res.on("close", () => held.delete(res));
        return;
      }
      if (typeof answer === "number") respond(request, res, answer);
      else
        setTimeout(
          () => respond(request, res, answer.status, answer.retryAfter),
          answer.afterMs ?? 0,
        );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/hooks/tracemesh`,
    received,
    accepted,
    answer(next) {
      decide = next;
    },
    waitForAccepted(count, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (accepted.length < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`${accepted.length} of ${count} deliveries after ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close() {
      for (const res of held) res.destroy();
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
