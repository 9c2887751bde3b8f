import { randomUUID } from "node:crypto";
import { createCloudEvent, type OutboxRecord } from "@tracemesh/queue";
import type { SqlClient } from "./sql-client.ts";

// The outbox suite's records and readings (outbox.suite.ts, run against every backend).

let serial = 0;

/** A stored event as the store writes it, with a trace context of its own. */
export function outboxRecord(overrides: Partial<OutboxRecord> = {}): OutboxRecord {
  serial += 1;
  const event = createCloudEvent({
    type: "todo.created",
    source: "/todo-api",
    subject: randomUUID(),
    data: { n: serial, nested: { tags: ["a", "b"] } },
  });
  const traceId = randomUUID().replaceAll("-", "");
  const spanId = traceId.slice(0, 16);
  return {
    id: event.id,
    subject: "todo.events.created",
    event,
    traceparent: `00-${traceId}-${spanId}-01`,
    tracestate: "vendor=opaque",
    baggage: `tenant=t${serial}`,
    ...overrides,
  };
}

/** The relay's columns of one outbox row. */
export async function outboxRow(client: SqlClient, id: string) {
  const result = await client.query<{
    attempts: number;
    last_error: string | null;
    published_at: Date | null;
    failed_at: Date | null;
    failed_reason: string | null;
  }>(
    "SELECT attempts, last_error, published_at, failed_at, failed_reason FROM outbox WHERE id = $1",
    [id],
  );
  return result.rows[0];
}

/** How many rows the outbox holds, published or not. */
export async function countOutbox(client: SqlClient): Promise<number> {
  const result = await client.query<{ n: number }>("SELECT count(*)::int AS n FROM outbox");
  return result.rows[0]?.n ?? -1;
}
