import { DependencyError } from "@tracemesh/errors";
import { createDeadline } from "@tracemesh/resilience";
import { afterAll, beforeAll, expect, test } from "vitest";
import { openPostgresTestDatabase, type TestDatabase } from "../test-utils.ts";
import { describeOutbox } from "./outbox.suite.ts";
import { createSqlOutboxSource } from "./outbox.ts";

describeOutbox("PostgreSQL (127.0.0.1:5432/test, a schema per run)", openPostgresTestDatabase);

let database: TestDatabase;
beforeAll(async () => {
  database = await openPostgresTestDatabase();
});
afterAll(() => database?.dispose());

test("a backlog reading the database cannot answer ends at its deadline (a scrape waits no longer)", async () => {
  const source = createSqlOutboxSource(database.client);
  let locked: () => void = () => {};
  const isLocked = new Promise<void>((resolve) => {
    locked = resolve;
  });
  let unlock: () => void = () => {};
  // Another session holds the table, as a migration or a stalled VACUUM FULL would.
  const holding = database.client.transaction(async (tx) => {
    await tx.query("LOCK TABLE outbox IN ACCESS EXCLUSIVE MODE");
    locked();
    await new Promise<void>((resolve) => {
      unlock = resolve;
    });
  });
  try {
    await isLocked;
    const started = performance.now();
    const reading = await source.backlog({ deadline: createDeadline(300) }).catch((e) => e);
    expect(reading).toBeInstanceOf(DependencyError);
    expect((reading as DependencyError).dependency).toBe("database");
    // PostgreSQL cancelled it (statement_timeout), not just the client that stopped waiting.
    expect((reading as DependencyError).cause).toMatchObject({ code: "57014" });
    // At its deadline, not at the client's statement timeout (5 s).
    expect(performance.now() - started).toBeLessThan(2_000);
  } finally {
    unlock();
    await holding;
  }
  expect(await source.backlog()).toMatchObject({ pending: 0, parked: 0 });
});
