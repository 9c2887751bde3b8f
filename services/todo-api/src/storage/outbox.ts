import { randomUUID } from "node:crypto";
import type { CloudEvent, OutboxRecord, OutboxSource } from "@tracemesh/queue";
import type { SqlClient, SqlExecutor, StatementOptions } from "./sql-client.ts";

export interface SqlOutboxSourceOptions {
  /**
   * How long a claim keeps other relays off a row. The relay that holds it takes it back at
   * once (a retry after a failed publish); others wait for the lease to end. @default 30000
   */
  leaseMs?: number;
}

/** What waits in the outbox: the gauges the queue-hop alerts read. */
export interface OutboxBacklog {
  /** Rows neither published nor parked. */
  pending: number;
  /** Rows no retry can publish, waiting for someone to look. */
  parked: number;
  /** Seconds since the oldest pending row was written; 0 when none is pending. */
  oldestPendingAgeSeconds: number;
}

/** The table over SQL, as the relay sees it, plus the upkeep todo-api does on it. */
export interface SqlOutboxSource extends OutboxSource {
  /** Keeps why publishing this row failed, for whoever looks at a row that stays pending. */
  recordFailure(id: string, error: unknown): Promise<void>;
  /** Deletes rows published more than `retainMs` ago; resolves to how many. */
  prunePublished(retainMs: number): Promise<number>;
  /** Counts what waits: one statement over the unpublished rows (the partial indexes). */
  backlog(options?: StatementOptions): Promise<OutboxBacklog>;
}

interface OutboxRow {
  [column: string]: unknown;
  id: string;
  subject: string;
  event: CloudEvent;
  traceparent: string | null;
  tracestate: string | null;
  baggage: string | null;
}

const ERROR_TEXT_LIMIT = 500;

const BACKLOG = `
SELECT count(*) FILTER (WHERE failed_at IS NULL)::integer AS pending,
       count(*) FILTER (WHERE failed_at IS NOT NULL)::integer AS parked,
       COALESCE(EXTRACT(EPOCH FROM now() - min(created_at) FILTER (WHERE failed_at IS NULL)),
                0)::float8 AS oldest_pending_age_seconds
  FROM outbox WHERE published_at IS NULL`;

// One statement, so one short transaction: rows locked by a concurrent claim are skipped, and
// rows it already committed are excluded by their lease when the lock is re-checked. A row
// waits while an earlier pending row of its todo (the event's subject) is leased to another
// relay, one that died mid-publish, say: sent now, it would overtake that one. (The event's
// subject is the todo's id; the table's own `subject` column is the NATS subject.)
// Those leased rows are few, and computed once per claim: with the statistics of a table never
// analyzed, the planner could skip the leased rows' index and check each of a claim's 100
// candidates against the pending rows (2,621 each in a bench drain); claiming a backlog of 10,000
// took 14 times as long then (docs/performance.md#what-the-changes-bought).
// MATERIALIZED keeps it so: PostgreSQL would inline a CTE used once, into that same subquery.
const CLAIM = `
WITH leased_elsewhere AS MATERIALIZED (
  SELECT event ->> 'subject' AS todo, position FROM outbox
   WHERE published_at IS NULL AND failed_at IS NULL
     AND claimed_by IS NOT NULL AND claimed_by <> $2 AND claimed_until >= now()
), next AS (
  SELECT id FROM outbox o
   WHERE published_at IS NULL AND failed_at IS NULL
     AND (claimed_until IS NULL OR claimed_until < now() OR claimed_by = $2)
     AND NOT EXISTS (
       SELECT 1 FROM leased_elsewhere earlier
        WHERE earlier.todo = o.event ->> 'subject' AND earlier.position < o.position)
   ORDER BY position
   LIMIT $1
   FOR UPDATE SKIP LOCKED
), claimed AS (
  UPDATE outbox o
     SET attempts = o.attempts + 1, claimed_by = $2,
         claimed_until = now() + make_interval(secs => $3::double precision / 1000)
    FROM next WHERE o.id = next.id
  RETURNING o.id, o.position, o.subject, o.event, o.traceparent, o.tracestate, o.baggage
)
SELECT id, subject, event, traceparent, tracestate, baggage FROM claimed ORDER BY position`;

/**
 * Stores an event for the relay. Call it with the transaction of the todo change, so the
 * todo and its event are committed, or rolled back, together.
 */
export async function appendOutboxEvent(tx: SqlExecutor, record: OutboxRecord): Promise<void> {
  await tx.query(
    `INSERT INTO outbox (id, subject, event, traceparent, tracestate, baggage)
     VALUES ($1, $2, $3::jsonb, $4, $5, $6)`,
    [
      record.id,
      record.subject,
      JSON.stringify(record.event),
      // An empty header is no context: store it as none.
      record.traceparent || null,
      record.tracestate || null,
      record.baggage || null,
    ],
  );
}

function toRecord(row: OutboxRow): OutboxRecord {
  const record: OutboxRecord = { id: row.id, subject: row.subject, event: row.event };
  if (row.traceparent !== null) record.traceparent = row.traceparent;
  if (row.tracestate !== null) record.tracestate = row.tracestate;
  if (row.baggage !== null) record.baggage = row.baggage;
  return record;
}

function describeError(error: unknown): string {
  // A DependencyError says only "nats"; its cause says what went wrong.
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const text = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
  return text.slice(0, ERROR_TEXT_LIMIT);
}

/**
 * The outbox table as an `OutboxSource`. Safe with several relays (each its own source) on
 * PostgreSQL: no row goes to two, and a todo's later rows wait while another relay holds an
 * earlier one's lease (two claims in the same instant can still split a todo's rows between
 * them). On PGlite's single connection the claim is one statement, so it holds there too.
 */
export function createSqlOutboxSource(
  client: SqlClient,
  options: SqlOutboxSourceOptions = {},
): SqlOutboxSource {
  const { leaseMs = 30_000 } = options;
  const claimant = randomUUID();
  return {
    async claimPending(limit) {
      if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`invalid limit: ${limit}`);
      const result = await client.query<OutboxRow>(CLAIM, [limit, claimant, leaseMs]);
      return result.rows.map(toRecord);
    },

    async markPublished(ids) {
      if (ids.length === 0) return;
      await client.query(
        `UPDATE outbox
            SET published_at = now(), claimed_by = NULL, claimed_until = NULL, last_error = NULL
          WHERE id = ANY($1::uuid[]) AND published_at IS NULL`,
        [ids],
      );
    },

    // Parked: failed_at keeps the row out of every claim from now on, failed_reason says why.
    async markFailed(id, reason) {
      await client.query(
        `UPDATE outbox
            SET failed_at = now(), failed_reason = $2, claimed_by = NULL, claimed_until = NULL
          WHERE id = $1 AND published_at IS NULL`,
        [id, reason.slice(0, ERROR_TEXT_LIMIT)],
      );
    },

    async recordFailure(id, error) {
      await client.query("UPDATE outbox SET last_error = $2 WHERE id = $1", [
        id,
        describeError(error),
      ]);
    },

    // Parked rows are kept whatever their age: only someone who looked at them may drop them.
    async prunePublished(retainMs) {
      const result = await client.query(
        `DELETE FROM outbox
          WHERE published_at < now() - make_interval(secs => $1::double precision / 1000)`,
        [retainMs],
      );
      return result.rowCount;
    },

    async backlog(options) {
      const result = await client.query<{
        pending: number;
        parked: number;
        oldest_pending_age_seconds: number;
      }>(BACKLOG, [], options);
      const row = result.rows[0];
      return {
        pending: row?.pending ?? 0,
        parked: row?.parked ?? 0,
        oldestPendingAgeSeconds: Math.max(0, row?.oldest_pending_age_seconds ?? 0),
      };
    },
  };
}
