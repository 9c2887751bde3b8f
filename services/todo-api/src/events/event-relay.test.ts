import { DependencyError } from "@tracemesh/errors";
import { afterAll, beforeAll, expect, test } from "vitest";
import { appendOutboxEvent } from "../storage/outbox.ts";
import { closedPort, openPgliteTestDatabase, type TestDatabase } from "../test-utils.ts";
import { startEventRelay } from "./event-relay.ts";
import { recordingLogger, waitFor } from "./queue-test-utils.ts";
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
  const { logger, lines } = recordingLogger();
  const relay = startEventRelay({
    natsUrl: `nats://relay:s3cret@127.0.0.1:${await closedPort()}`,
    client,
    logger,
    reconnectWaitMs: 50,
  });
  expect(relay.isConnected()).toBe(false);
  await waitFor(() => lines.some((line) => line.event === "nats.connect_failed"), 5000);

  const flushed = await relay.flush();
  expect(flushed.published).toBe(0);
  expect(flushed.error).toBeInstanceOf(DependencyError);
  const row = await client.query<{ published_at: Date | null; last_error: string | null }>(
    "SELECT published_at, last_error FROM outbox WHERE id = $1",
    [record.id],
  );
  expect(row.rows[0]?.published_at).toBeNull();
  expect(row.rows[0]?.last_error).toBe("Error: no connection to NATS yet");

  const stopping = performance.now();
  await relay.stop();
  expect(performance.now() - stopping).toBeLessThan(1000);
  const failures = lines.filter((line) => line.event === "nats.connect_failed");
  await new Promise((resolve) => setTimeout(resolve, 300));
  // Stopped means stopped: no more attempts after stop().
  expect(lines.filter((line) => line.event === "nats.connect_failed")).toHaveLength(
    failures.length,
  );
  // The URL is never logged: it may hold credentials.
  expect(JSON.stringify(lines)).not.toContain("s3cret");
});
