import type { DependencyRequest } from "./dependency-client.ts";

const IDEMPOTENT_METHODS = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]);

export interface PreparedRequest {
  url: string;
  method: string;
  headers: Headers;
  body: string | undefined;
  idempotent: boolean;
}

/** What every attempt of a call sends: built once, so retries repeat the exact same request. */
export function prepareRequest(baseUrl: string, request: DependencyRequest): PreparedRequest {
  const method = request.method.toUpperCase();
  const headers = new Headers(request.headers);
  if (!headers.has("accept")) headers.set("accept", "application/json");
  let body: string | undefined;
  if (typeof request.body === "string") {
    body = request.body;
  } else if (request.body !== undefined) {
    body = JSON.stringify(request.body);
    if (!headers.has("content-type")) headers.set("content-type", "application/json");
  }
  const path = request.path.startsWith("/") ? request.path : `/${request.path}`;
  return {
    url: `${baseUrl}${path}`,
    method,
    headers,
    body,
    idempotent: request.idempotent ?? IDEMPOTENT_METHODS.has(method),
  };
}
