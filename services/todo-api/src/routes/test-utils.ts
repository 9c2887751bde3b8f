import { afterAll, beforeAll, expect } from "vitest";
import { startTestAuth, type TestAuth } from "../test-auth-server.ts";
import {
  jsonRequest,
  openTestApp,
  type TestApp,
  type TestAppOptions,
  withBearer,
} from "../test-utils.ts";
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

/** What a hostile-input file works on: alice's requests, and the one todo she has. */
export interface OneTodoFixture {
  asAlice(path: string, init?: RequestInit): Promise<Response>;
  readonly existing: TodoResource;
}

/**
 * The signed-in app with one todo of alice's, opened before the file's tests; after them that
 * todo must be all there is, untouched: whatever they sent, nothing was stored or changed.
 */
export function useAppWithOneTodo(): OneTodoFixture {
  let opened: { app: SignedInApp; existing: TodoResource } | undefined;
  const ready = () => {
    if (opened === undefined) throw new Error("useAppWithOneTodo: used before beforeAll");
    return opened;
  };
  beforeAll(async () => {
    const app = await openSignedInApp();
    const response = await app.asAlice("/v1/todos", jsonRequest("POST", { title: "the one todo" }));
    opened = { app, existing: (await response.json()) as TodoResource };
  });
  afterAll(async () => {
    if (opened === undefined) return;
    expect(await opened.app.listTodos()).toEqual([opened.existing]);
    await opened.app.close();
  });
  return {
    asAlice: (path, init) => ready().app.asAlice(path, init),
    get existing() {
      return ready().existing;
    },
  };
}
