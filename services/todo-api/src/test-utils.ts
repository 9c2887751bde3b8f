import { randomBytes } from "node:crypto";
import type { Server } from "node:net";
import type { ErrorBody, ErrorCode } from "@tracemesh/errors";
import { expectContractHeaders, expectErrorContract } from "@tracemesh/errors/testing";
import { captureLogger } from "@tracemesh/logger/testing";
import { freePort } from "@tracemesh/testing";
import type { Hono } from "hono";
import pg from "pg";
import { type AppDeps, createApp } from "./app.ts";
import { type AuthClientOptions, createAuthClient } from "./auth/auth-client.ts";
import { createAuthorizer } from "./auth/authorizer.ts";
import { createDecisionCache } from "./auth/decision-cache.ts";
import { runMigrations } from "./storage/migrate.ts";
import { createPgClient, type PgClientOptions } from "./storage/pg-client.ts";
import { createPgliteClient } from "./storage/pglite-client.ts";
import type { SqlClient } from "./storage/sql-client.ts";
import { createTodoStore } from "./storage/todo-store.ts";

/** The local PostgreSQL every `*.postgres.test.ts` needs (and fails without). */
export const TEST_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/test";

export interface TestDatabase {
  client: SqlClient;
  /** Closes the client and removes what the test created. */
  dispose(): Promise<void>;
}

/** A migrated, throwaway in-memory PGlite database. */
export async function openPgliteTestDatabase(): Promise<TestDatabase> {
  const client = await createPgliteClient({ dataDir: "memory://" });
  await runMigrations(client);
  return { client, dispose: () => client.close() };
}

async function withAdmin(statement: string): Promise<void> {
  const admin = new pg.Client({
    connectionString: TEST_DATABASE_URL,
    connectionTimeoutMillis: 3000,
  });
  await admin.connect();
  try {
    await admin.query(statement);
  } finally {
    await admin.end();
  }
}

/** A fresh schema in the local PostgreSQL, migrated; dropped again by `dispose`. */
export async function openPostgresTestDatabase(
  options: Partial<PgClientOptions> = {},
): Promise<TestDatabase & { schema: string }> {
  const schema = `todo_api_test_${randomBytes(6).toString("hex")}`;
  await withAdmin(`CREATE SCHEMA ${schema}`);
  const client = createPgClient({ connectionString: TEST_DATABASE_URL, schema, ...options });
  await runMigrations(client);
  return {
    client,
    schema,
    async dispose() {
      await client.close();
      await withAdmin(`DROP SCHEMA ${schema} CASCADE`);
    },
  };
}

/** Listens on a free local port. */
export function listeningServer<T extends Server>(server: T): Promise<T> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve(server));
  });
}

export interface TestApp {
  app: Hono;
  database: TestDatabase;
  logLines(): Promise<Record<string, unknown>[]>;
}

export interface TestAppOptions extends Partial<AppDeps> {
  /** Where auth answers, and how todo-api's client treats it. @default a port nothing listens on */
  auth?: Partial<AuthClientOptions>;
  /** @default 60000 */
  decisionCacheTtlMs?: number;
}

/** The app over a migrated in-memory PGlite, logging into memory, asking auth at `auth.url`. */
export async function openTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const { auth, decisionCacheTtlMs = 60_000, ...deps } = options;
  const database = await openPgliteTestDatabase();
  const { logger, lines } = captureLogger({ service: "todo-api" });
  const url = auth?.url ?? `http://127.0.0.1:${await freePort()}`;
  const authorizer = createAuthorizer({
    client: createAuthClient({
      timeouts: { attemptMs: 1_000, totalMs: 2_000 },
      logger,
      ...auth,
      url,
    }),
    cache: createDecisionCache({ ttlMs: decisionCacheTtlMs }),
  });
  const app = createApp({
    store: createTodoStore(database.client),
    database: database.client,
    logger,
    authorizer,
    ...deps,
  });
  return { app, database, logLines: lines };
}

/** `init` with `Authorization: Bearer <token>` added. */
export function withBearer(token: string, init: RequestInit = {}): RequestInit {
  const headers = new Headers(init.headers);
  headers.set("Authorization", `Bearer ${token}`);
  return { ...init, headers };
}

/**
 * Asserts the whole error contract on `response` (docs/architecture.md#the-error-contract: body
 * fields, catalog message in its language, RFC 9457 members when asked, no leak, trace and
 * request-id headers, the status's own headers) and returns the body. `requestId`: the one the
 * client sent, when safe.
 */
export async function expectContractError(
  response: Response,
  status: number,
  errorCode: ErrorCode,
  requestId?: string,
): Promise<ErrorBody> {
  const body = await expectErrorContract(response, { status, errorCode });
  expectContractHeaders(response, body, requestId);
  return body;
}

/** JSON request options for `app.request()`. */
export function jsonRequest(method: string, body: unknown, headers: Record<string, string> = {}) {
  return {
    method,
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify(body),
  };
}
