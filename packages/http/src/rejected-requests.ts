import { AsyncLocalStorage } from "node:async_hooks";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  type TextMapGetter,
  trace,
} from "@opentelemetry/api";
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
} from "@opentelemetry/semantic-conventions";
import { describeError, type LogFields } from "@tracemesh/telemetry";
import { writeRawResponse } from "./raw-response.ts";
import {
  type RejectionReason,
  type RejectionResponder,
  type RequestRejection,
  reasonOfClientError,
  reasonOfRequestError,
  rejectionOfRequest,
  requestLineOf,
} from "./request-rejection.ts";

export interface RejectedRequestsOptions {
  respond: RejectionResponder;
  logger: {
    warn(event: string, fields?: LogFields): void;
    error(event: string, fields?: LogFields): void;
  };
  /** The server's responses not yet finished, to find the one a socket is busy with. */
  inFlight: ReadonlySet<ServerResponse>;
  maxHeaderBytes: number;
}

export interface RejectedRequests {
  /** Runs a request listener with its request at hand for `onRequestError`. */
  track<T>(incoming: IncomingMessage, listener: () => T): T;
  /** @hono/node-server's `errorHandler`: requests it cannot turn into a fetch Request. */
  onRequestError(error: unknown): Promise<Response>;
  /** `server.on("clientError")`: requests Node's parser refused. */
  onClientError(error: Error, socket: Duplex): void;
}

const HEADERS_GETTER: TextMapGetter<Headers> = {
  get: (carrier, key) => carrier.get(key) ?? undefined,
  keys: (carrier) => [...carrier.keys()],
};

/**
 * Answers, through `respond` (the error contract), the requests that never reach the app:
 * a Host @hono/node-server refuses, and what Node's HTTP parser refuses (invalid bytes,
 * broken chunking, oversized headers, timeouts), on the raw socket, which is then closed.
 */
export function rejectedRequests(options: RejectedRequestsOptions): RejectedRequests {
  const { respond, logger, inFlight, maxHeaderBytes } = options;
  const incomingStore = new AsyncLocalStorage<IncomingMessage>();
  // The parser goes on reporting each later chunk of a request it already refused.
  const answered = new WeakSet<Duplex>();

  async function answer(rejection: RequestRejection): Promise<Response> {
    const response = await respond(rejection);
    // The app's own failure is in its access log already, as an error.
    if (rejection.reason === "unhandled_error") return response;
    logger.warn("http.request_rejected", {
      reason: rejection.reason,
      http: { method: rejection.method, status: response.status },
      traceId: response.headers.get("traceresponse")?.split("-")[1],
    });
    return response;
  }

  async function answerOnSocket(socket: Duplex, rejection: RequestRejection, errorType: string) {
    // Nothing of this request reached the http instrumentation: this span is its trace.
    const parent = propagation.extract(ROOT_CONTEXT, rejection.headers, HEADERS_GETTER);
    const span = trace.getTracer("@tracemesh/http").startSpan(
      rejection.method || "HTTP",
      {
        kind: SpanKind.SERVER,
        attributes: {
          [ATTR_ERROR_TYPE]: errorType,
          ...(rejection.method && { [ATTR_HTTP_REQUEST_METHOD]: rejection.method }),
        },
      },
      parent,
    );
    try {
      const response = await context.with(trace.setSpan(parent, span), () => answer(rejection));
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, response.status);
      await writeRawResponse(socket, response);
    } finally {
      span.end();
    }
  }

  function rejectionOnSocket(
    error: Error,
    reason: RejectionReason,
    busy: ServerResponse | undefined,
  ): RequestRejection {
    // Framing that broke after the headers: Node had parsed the request and started the app.
    if (busy) return rejectionOfRequest(busy.req, { reason, maxHeaderBytes });
    const { rawPacket } = error as { rawPacket?: unknown };
    return { reason, ...requestLineOf(rawPacket), headers: new Headers(), maxHeaderBytes };
  }

  return {
    track(incoming, listener) {
      return incomingStore.run(incoming, listener);
    },

    async onRequestError(error) {
      const incoming = incomingStore.getStore();
      const rejection: RequestRejection =
        incoming === undefined
          ? {
              reason: "unhandled_error",
              path: "",
              method: "",
              headers: new Headers(),
              maxHeaderBytes,
            }
          : rejectionOfRequest(incoming, {
              ...reasonOfRequestError(error, incoming),
              maxHeaderBytes,
            });
      const response = await answer(rejection);
      response.headers.set("Connection", "close");
      return response;
    },

    onClientError(error, socket) {
      if (answered.has(socket)) return;
      const reason = reasonOfClientError(error);
      const busy = [...inFlight].find((response) => response.socket === socket);
      // A response already on the wire cannot be followed by another: the socket is cut.
      if (reason === undefined || !socket.writable || busy?.headersSent) {
        socket.destroy();
        return;
      }
      answered.add(socket);
      const { code } = error as { code?: unknown };
      const errorType = typeof code === "string" ? code : reason;
      answerOnSocket(socket, rejectionOnSocket(error, reason, busy), errorType).catch(
        (failure: unknown) => {
          logger.error("http.rejection_failed", { reason, error: describeError(failure) });
          socket.destroy();
        },
      );
    },
  };
}
