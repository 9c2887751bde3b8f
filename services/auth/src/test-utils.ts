import { createChaosControls } from "@tracemesh/chaos";
import { captureLogger } from "@tracemesh/logger/testing";
import { createTestClock } from "@tracemesh/testing";
import type { Hono } from "hono";
import { type AppDeps, createApp } from "./app.ts";
import { createLoginThrottle } from "./rate-limit/login-throttle.ts";
import { createDemoDirectory, TEST_TOKENS } from "./testing.ts";
import { generateSigningKey, type SigningKey } from "./tokens/signing-key.ts";
import { DEMO_USERS } from "./users/demo-users.ts";
import type { UserSeed } from "./users/user.ts";
import type { UserDirectory } from "./users/user-directory.ts";

export const SERVICE_TOKEN = "service-token-for-tests-0123456789";
export const CHAOS_TOKEN = "chaos-token-for-tests-0123456789";
export const [ALICE, BOB, CAROL] = DEMO_USERS as readonly [UserSeed, UserSeed, UserSeed];

let sharedUsers: Promise<UserDirectory> | undefined;
let sharedKey: Promise<SigningKey> | undefined;

export interface TestAppOptions {
  chaos?: boolean;
  random?: () => number;
  serviceToken?: string | undefined;
  trustedProxyHops?: number;
  loginLimits?: { perClient: number; perUsername: number; windowMs: number; maxKeys?: number };
  requestBudgetMs?: number;
}

/** The app as main.ts builds it, with a hand-moved clock, fast scrypt and captured logs. */
export async function createTestApp(options: TestAppOptions = {}) {
  sharedUsers ??= createDemoDirectory();
  sharedKey ??= generateSigningKey();
  const clock = createTestClock();
  const logs = captureLogger({ service: "auth" });
  const signingKey = await sharedKey;
  const limits = options.loginLimits ?? { perClient: 1000, perUsername: 1000, windowMs: 60_000 };
  const deps: AppDeps = {
    logger: logs.logger,
    users: await sharedUsers,
    signingKey,
    tokens: TEST_TOKENS,
    loginThrottle: createLoginThrottle({ ...limits, now: clock.now }),
    trustedProxyHops: options.trustedProxyHops ?? 0,
    serviceToken: "serviceToken" in options ? options.serviceToken : SERVICE_TOKEN,
    requestBudgetMs: options.requestBudgetMs ?? 5000,
    now: clock.now,
    chaos: options.chaos
      ? createChaosControls({ token: CHAOS_TOKEN, now: clock.now, random: options.random })
      : undefined,
  };
  return { app: createApp(deps), clock, logs, signingKey, chaos: deps.chaos };
}

/** What @hono/node-server passes as env, enough for getConnInfo: the socket's peer address. */
export function fromPeer(address: string) {
  return {
    incoming: { socket: { remoteAddress: address, remotePort: 40_000, remoteFamily: "IPv4" } },
  };
}

/** A JSON request to the app, optionally from a given peer address. */
export function postJson(
  app: Hono,
  path: string,
  body: unknown,
  init: { headers?: Record<string, string>; peer?: string } = {},
) {
  return app.request(
    path,
    {
      method: "POST",
      headers: { "Content-Type": "application/json", ...init.headers },
      body: JSON.stringify(body),
    },
    init.peer === undefined ? undefined : fromPeer(init.peer),
  );
}

/** Logs in through `POST /v1/token` and returns the access token. */
export async function login(app: Hono, username: string, password: string): Promise<string> {
  const response = await postJson(app, "/v1/token", { username, password });
  if (response.status !== 200) throw new Error(`login as ${username} answered ${response.status}`);
  const body = (await response.json()) as { accessToken: string };
  return body.accessToken;
}
