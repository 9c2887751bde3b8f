import type { ErrorBody, ErrorCode } from "@tracemesh/errors";
import { expectContractHeaders, expectErrorContract } from "@tracemesh/errors/testing";
import { expect } from "vitest";
import { startTestAuth, type TestAuth } from "../test-auth-server.ts";
import { openTestApp, type TestApp, type TestAppOptions, withBearer } from "../test-utils.ts";
import type { TodoResource } from "./todo-representation.ts";

export interface SignedInApp extends TestApp {
  auth: TestAuth;
  /** alice's bearer token. */
  token: string;
  /** A request as alice. */
  asAlice(path: string, init?: RequestInit): Promise<Response>;
  /** What alice sees at GET /v1/todos: the proof that nothing was stored. */
  listTodos(): Promise<TodoResource[]>;
  close(): Promise<void>;
}

/** The real todo-api app over a throwaway PGlite, asking a real auth, with alice signed in. */
export async function openSignedInApp(options: TestAppOptions = {}): Promise<SignedInApp> {
  const auth = await startTestAuth();
  const token = await auth.login("alice");
  const opened = await openTestApp({ ...options, auth: { url: auth.url } });
  const asAlice = (path: string, init: RequestInit = {}) =>
    Promise.resolve(opened.app.request(path, withBearer(token, init)));
  return {
    ...opened,
    auth,
    token,
    asAlice,
    async listTodos() {
      const response = await asAlice("/v1/todos?limit=100");
      expect(response.status).toBe(200);
      return ((await response.json()) as { items: TodoResource[] }).items;
    },
    async close() {
      await Promise.all([opened.database.dispose(), auth.close()]);
    },
  };
}

/**
 * Asserts the whole error contract on `response` (body fields, catalog message in its
 * language, RFC 9457 members when asked, no leak, trace and request-id headers, the
 * status's own headers) and returns the body.
 */
export async function expectContract(
  response: Response,
  status: number,
  errorCode: ErrorCode,
  requestId?: string,
): Promise<ErrorBody> {
  const body = await expectErrorContract(response, { status, errorCode });
  expectContractHeaders(response, body, requestId ?? body.traceId);
  return body;
}
