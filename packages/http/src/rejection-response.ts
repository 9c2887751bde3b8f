import { AppError, InvalidParameterError, RequestBodyInvalidError } from "@tracemesh/errors";
import { Hono } from "hono";
import { toErrorResponse } from "./error-response.ts";
import { requestContext } from "./request-context.ts";
import type { RequestRejection } from "./request-rejection.ts";

function errorOf(rejection: RequestRejection): AppError {
  const message = `rejected before the app: ${rejection.reason}`;
  switch (rejection.reason) {
    case "invalid_path":
      return new InvalidParameterError([{ type: "path", issue: "invalid_value" }], { message });
    case "invalid_header": {
      const name = rejection.header === undefined ? {} : { name: rejection.header };
      return new InvalidParameterError([{ type: "header", ...name, issue: "invalid_value" }], {
        message,
      });
    }
    case "malformed_request":
      return new InvalidParameterError([{ type: "request", issue: "malformed_http" }], {
        message,
      });
    case "invalid_body_framing":
      return new RequestBodyInvalidError({
        message,
        details: [{ type: "body", issue: "invalid_framing" }],
      });
    case "headers_too_large":
      return new AppError("REQUEST_HEADERS_TOO_LARGE", {
        message,
        details: [{ type: "header", maxBytes: rejection.maxHeaderBytes }],
      });
    case "request_timeout":
      return new AppError("REQUEST_TIMEOUT", { message });
    case "unhandled_error":
      return new AppError("INTERNAL_ERROR", { message: "the app failed without answering" });
  }
}

// A one-route app, so the answer goes through the same middleware and builder as any other:
// trace headers and X-Request-Id from requestContext(), body, language and form from
// toErrorResponse(). The request it receives only carries the rejected request's headers.
const rejections = new Hono<{ Bindings: { rejection: RequestRejection } }>()
  .use(requestContext())
  .all("*", function answerRejection(c) {
    const { rejection } = c.env;
    return toErrorResponse(c, errorOf(rejection), {
      path: rejection.path,
      method: rejection.method,
    });
  });

/**
 * The contract's answer to a request the HTTP server rejected before the app ran, which
 * `startHttpServer` gives by default. Its traceId is the active span's (the server span of the
 * rejected request) or, without one, a new trace's.
 */
export async function rejectionResponse(rejection: RequestRejection): Promise<Response> {
  const carrier = new Request("http://localhost/", { headers: rejection.headers });
  return rejections.fetch(carrier, { rejection });
}
