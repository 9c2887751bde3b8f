import { createServer, type Socket } from "node:net";
import { DependencyError } from "@tracemesh/errors";
import { createDeadline } from "@tracemesh/resilience";
import { freePort } from "@tracemesh/testing";
import { afterEach, expect, test } from "vitest";
import { listeningServer } from "../test-utils.ts";
import { createPgClient } from "./pg-client.ts";
import type { SqlClient } from "./sql-client.ts";

// These need no PostgreSQL: they are about what happens when there is none.
let client: SqlClient | undefined;
afterEach(() => client?.close());

async function timedFailure(call: () => Promise<unknown>): Promise<[unknown, number]> {
  const started = performance.now();
  const error = await call().then(
    () => undefined,
    (reason: unknown) => reason,
  );
  return [error, performance.now() - started];
}

test("a refused connection is DependencyError (database), at once", async () => {
  const port = await freePort();
  const db = createPgClient({ connectionString: `postgres://postgres@127.0.0.1:${port}/test` });
  client = db;
  const [error, elapsed] = await timedFailure(() => db.query("SELECT 1"));
  expect(error).toBeInstanceOf(DependencyError);
  expect((error as DependencyError).details).toEqual([{ type: "dependency", name: "database" }]);
  expect(elapsed).toBeLessThan(1000);
  const [pingError] = await timedFailure(() => db.ping());
  expect(pingError).toBeInstanceOf(DependencyError);
  const [txError] = await timedFailure(() => db.transaction(async () => 1));
  expect(txError).toBeInstanceOf(DependencyError);
});

test("a server that accepts but never answers is DependencyError after the connect timeout", async () => {
  const sockets = new Set<Socket>();
  const silent = await listeningServer(createServer((socket) => sockets.add(socket)));
  const { port } = silent.address() as { port: number };
  const db = createPgClient({
    connectionString: `postgres://postgres@127.0.0.1:${port}/test`,
    connectTimeoutMs: 300,
  });
  client = db;
  const [error, elapsed] = await timedFailure(() => db.query("SELECT 1"));
  for (const socket of sockets) socket.destroy();
  silent.close();
  expect(error).toBeInstanceOf(DependencyError);
  expect(elapsed).toBeGreaterThanOrEqual(250);
  expect(elapsed).toBeLessThan(2000);
});

test("with a deadline, a server that never answers is given up on within it", async () => {
  const sockets = new Set<Socket>();
  const silent = await listeningServer(createServer((socket) => sockets.add(socket)));
  const { port } = silent.address() as { port: number };
  const db = createPgClient({ connectionString: `postgres://postgres@127.0.0.1:${port}/test` });
  client = db;
  const [error, elapsed] = await timedFailure(() =>
    db.query("SELECT 1", [], { deadline: createDeadline(300) }),
  );
  for (const socket of sockets) socket.destroy();
  silent.close();
  expect(error).toBeInstanceOf(DependencyError);
  expect((error as DependencyError).dependency).toBe("database");
  // Long before the 2 s connect timeout: the deadline decides.
  expect(elapsed).toBeGreaterThanOrEqual(200);
  expect(elapsed).toBeLessThan(300);
});

test("rejects a schema name that could inject connection options", () => {
  expect(() =>
    createPgClient({ connectionString: "postgres://localhost/x", schema: "a -c role=admin" }),
  ).toThrow(TypeError);
});
