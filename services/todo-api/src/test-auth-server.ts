import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { createApp } from "@tracemesh/auth";
import {
  createDemoDirectory,
  type DemoUsername,
  generateSigningKey,
  type SigningKey,
  TEST_TOKENS,
} from "@tracemesh/auth/testing";
import { captureLogger } from "@tracemesh/logger/testing";
import { loginTo } from "@tracemesh/testing";

/** How the server in front of auth answers; `auth` is the real app. */
export type AuthBehaviour = (
  request: Request,
  auth: (request: Request) => Promise<Response>,
) => Response | Promise<Response>;

export const passThrough: AuthBehaviour = (request, auth) => auth(request);

/** auth answering `status` (a 5xx: unavailable) without asking the real app. */
export function failWith(status: number): AuthBehaviour {
  return () => Response.json({ errorCode: "INTERNAL_ERROR" }, { status });
}

/** No answer until the client gives up. */
export const hang: AuthBehaviour = (request) =>
  new Promise((resolve) => {
    request.signal.addEventListener("abort", () => resolve(new Response(null, { status: 499 })));
  });

/** `then` after `ms`, unless the client gives up first. */
export function delayed(ms: number, then: AuthBehaviour = passThrough): AuthBehaviour {
  return (request, auth) =>
    new Promise((resolve) => {
      const timer = setTimeout(() => resolve(then(request, auth)), ms);
      request.signal.addEventListener("abort", () => clearTimeout(timer));
    });
}

export interface AuthHit {
  path: string;
  headers: Headers;
  /** The JSON body, e.g. `{ token, action, resource }`. */
  body: unknown;
  /** performance.now() when it arrived. */
  at: number;
}

export interface TestAuth {
  /** Where todo-api reaches auth: the controllable server in front of the real app. */
  url: string;
  /** Every request that reached that server. */
  hits: AuthHit[];
  behave(behaviour: AuthBehaviour): void;
  /** An access token from auth's real `POST /v1/token` (never through the front). */
  login(username: DemoUsername): Promise<string>;
  /** auth's signing key, to forge tokens it would itself have issued. */
  signingKey: SigningKey;
  close(): Promise<void>;
}

/**
 * services/auth's `createApp` served by @hono/node-server on a free port, behind a front whose
 * behaviour tests switch (pass through, 5xx, hang, slow) and which records every hit.
 */
export async function startTestAuth(): Promise<TestAuth> {
  const signingKey = await generateSigningKey();
  const app = createApp({
    logger: captureLogger({ service: "auth" }).logger,
    users: await createDemoDirectory(),
    signingKey,
    tokens: TEST_TOKENS,
    loginThrottle: { attempt: () => ({ allowed: true }) },
    trustedProxyHops: 0,
    serviceToken: undefined,
    requestBudgetMs: 5_000,
  });
  const auth = async (request: Request) => app.fetch(request);
  let behaviour = passThrough;
  const hits: AuthHit[] = [];
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const started = serve(
      {
        fetch: async (request) => {
          const at = performance.now();
          const text = await request.clone().text();
          const body: unknown = text === "" ? undefined : JSON.parse(text);
          hits.push({ path: new URL(request.url).pathname, headers: request.headers, body, at });
          return behaviour(request, auth);
        },
        port: 0,
        hostname: "127.0.0.1",
      },
      () => resolve(started),
    );
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    behave(next) {
      behaviour = next;
    },
    login: (username) => loginTo("", username, app.request),
    signingKey,
    close: () =>
      new Promise<void>((resolve) => {
        if ("closeAllConnections" in server) server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
