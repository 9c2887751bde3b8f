import { DependencyError } from "@tracemesh/errors";
import { captureLogger } from "@tracemesh/logger/testing";
import { freePort, waitFor } from "@tracemesh/testing";
import { afterAll, beforeAll, expect, test } from "vitest";
import { appendOutboxEvent } from "../storage/outbox.ts";
import { openPgliteTestDatabase, type TestDatabase } from "../test-utils.ts";
import { startEventRelay } from "./event-relay.ts";
import { todoEvent } from "./todo-event.ts";

let database: TestDatabase;
beforeAll(async () => {
  database = await openPgliteTestDatabase();
});
afterAll(() => database?.dispose());

test("with no NATS at all, start-up goes on, events stay pending, and stop is prompt", async () => {
  const { client } = database;
  const now = new Date();
  const record = todoEvent("todo.created", {
    id: crypto.randomUUID(),
    title: "waits",
    completed: false,
    version: 1,
    createdAt: now,
    updatedAt: now,
  });
  await appendOutboxEvent(client, record);
  const logs = captureLogger({ service: "todo-api" });
  const { logger } = logs;
  const events = async () => (await logs.lines()).map((line) => line.event);
  const relay = startEventRelay({
    natsUrl: `nats://relay:s3cret@127.0.0.1:${await freePort()}`,
    client,
    logger,
    reconnectWaitMs: 50,
  });
  expect(relay.isConnected()).toBe(false);
  await waitFor(async () => (await events()).includes("nats.connect_failed"), "a failed try", 5000);

  const flushed = await relay.flush();
  expect(flushed.published).toBe(0);
  expect(flushed.error).toBeInstanceOf(DependencyError);
  const row = await client.query<{ published_at: Date | null; last_error: string | null }>(
    "SELECT published_at, last_error FROM outbox WHERE id = $1",
    [record.id],
  );
  expect(row.rows[0]?.published_at).toBeNull();
  expect(row.rows[0]?.last_error).toBe("Error: not connected to NATS");

  const stopping = performance.now();
  await relay.stop();
  expect(performance.now() - stopping).toBeLessThan(1000);
  const failures = (await events()).filter((event) => event === "nats.connect_failed");
  await new Promise((resolve) => setTimeout(resolve, 300));
  // Stopped means stopped: no more attempts after stop().
  expect((await events()).filter((event) => event === "nats.connect_failed")).toHaveLength(
    failures.length,
  );
  // The URL is never logged: it may hold credentials.
  expect(logs.raw()).not.toContain("s3cret");
});
