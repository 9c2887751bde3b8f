import { context, ROOT_CONTEXT } from "@opentelemetry/api";
import type { CloudEvent } from "./cloud-event.ts";
import { errorMessage } from "./error-description.ts";
import { PermanentEventError } from "./permanent-event-error.ts";
import type { QueueLogger } from "./queue-logger.ts";
import { contextFromCarrier, type TraceCarrier } from "./trace-headers.ts";
import { withoutTracing } from "./without-tracing.ts";

/** An event stored with its todo in one transaction, waiting to be published. */
export interface OutboxRecord extends TraceCarrier {
  id: string;
  subject: string;
  event: CloudEvent;
}

/** Where the relay finds unpublished records (todo-api implements it over SQL). */
export interface OutboxSource {
  /** Up to `limit` unpublished records, oldest first, not handed to another relay meanwhile. */
  claimPending(limit: number): Promise<OutboxRecord[]>;
  markPublished(ids: string[]): Promise<void>;
  /** Parks a record no retry can publish: never claimed again, kept with the reason. */
  markFailed(id: string, reason: string): Promise<void>;
  /** Keeps why publishing a record failed this time (it stays pending), when the source can. */
  recordFailure?(id: string, error: unknown): Promise<void>;
}

/**
 * Publishes one event, e.g. `(event, options) => publishEvent(js, event, options)`. A
 * PermanentEventError (malformed, too large) parks the record; any other failure is retried.
 */
export type OutboxPublish = (event: CloudEvent, options: { subject: string }) => Promise<unknown>;

export interface OutboxRelayOptions {
  source: OutboxSource;
  publish: OutboxPublish;
  /** Pause between polls when the outbox is empty. @default 1000 */
  intervalMs?: number;
  /** @default 100 */
  batchSize?: number;
  /** Longest pause after repeated failures (the pause doubles from intervalMs). @default 30000 */
  maxBackoffMs?: number;
  logger?: QueueLogger;
}

export interface OutboxFlushResult {
  published: number;
  /** Records parked as failed: no retry could publish them. */
  parked: number;
  /** Why relaying stopped early: the broker or the source failed. */
  error?: unknown;
}

/** Why a record stayed pending: the first failure of its todo in the batch. */
interface Failure {
  error: unknown;
}

function isFailure(outcome: unknown): outcome is Failure {
  return typeof outcome === "object" && outcome !== null && "error" in outcome;
}

export interface OutboxRelay {
  start(): void;
  /**
   * Relays what is pending now, without waiting for the next poll: for a commit that has just
   * written an event. Calls while one is waiting for its turn are one.
   */
  wake(): void;
  /**
   * The broker is back after an outage: forgets the backoff its failures left and relays what
   * waits now, as a wake would: reported, and cut short by stop() like any batch.
   */
  resume(): void;
  /** Stops polling; resolves once the batch being published is done. */
  stop(): Promise<void>;
  /** Relays until the outbox is empty or a failure; for tests and shutdown. */
  flush(): Promise<OutboxFlushResult>;
}

/**
 * Publishes outbox records, a todo's in order, each in the trace of the request that stored
 * it, and marks only what the broker acknowledged. A transient failure (the broker away, a
 * timeout) keeps that todo's records for the next tick, which retries with backoff; a permanent
 * one parks that record and its todo goes on, so one bad record never holds back the others.
 * At-least-once here plus `Nats-Msg-Id` dedup gives one copy in the stream. The relay's own
 * queries are not traced.
 */
export function createOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const { source, publish, logger } = options;
  const intervalMs = options.intervalMs ?? 1000;
  const batchSize = options.batchSize ?? 100;
  const maxBackoffMs = options.maxBackoffMs ?? 30_000;
  let running = false;
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<unknown> = Promise.resolve();
  let wakeQueued = false;

  /**
   * Parks a record no retry can publish, and the batch goes on (undefined). Any other failure
   * is noted on the record and returned, to end the batch; so is a source that cannot park.
   */
  async function settleFailure(record: OutboxRecord, error: unknown): Promise<unknown> {
    if (!(error instanceof PermanentEventError)) {
      // The source's own failure to take the note must not hide the broker's.
      await withoutTracing(async () => source.recordFailure?.(record.id, error)).catch(
        () => undefined,
      );
      return error;
    }
    const reason = errorMessage(error);
    try {
      await withoutTracing(() => source.markFailed(record.id, reason));
    } catch (sourceError) {
      return sourceError;
    }
    logger?.error("outbox.record.parked", {
      recordId: record.id,
      eventId: record.event.id,
      subject: record.subject,
      reason,
    });
    return undefined;
  }

  /** Publishes one record in its stored trace: "published", "parked", or the failure. */
  async function relayRecord(record: OutboxRecord): Promise<"published" | "parked" | Failure> {
    try {
      const ctx = contextFromCarrier({
        traceparent: record.traceparent ?? record.event.traceparent,
        tracestate: record.tracestate ?? record.event.tracestate,
        baggage: record.baggage,
      });
      await context.with(ctx, () => publish(record.event, { subject: record.subject }));
      return "published";
    } catch (publishError) {
      const error = await settleFailure(record, publishError);
      return error === undefined ? "parked" : { error };
    }
  }

  async function relayBatch(): Promise<OutboxFlushResult & { more: boolean }> {
    const records = await withoutTracing(() => source.claimPending(batchSize));
    // The batch's publishes are pipelined and their acks awaited together, but the records of
    // one todo (the event's subject) go one after the other: after a failure, its later ones
    // wait for the next batch, so a consumer never sees a todo's events out of order.
    const previousOfTodo = new Map<string, Promise<"published" | "parked" | Failure>>();
    const outcomes = records.map((record) => {
      const todo = record.event.subject ?? record.id;
      const previous = previousOfTodo.get(todo);
      const outcome = previous
        ? previous.then((before) => (isFailure(before) ? before : relayRecord(record)))
        : relayRecord(record);
      previousOfTodo.set(todo, outcome);
      return outcome;
    });
    const settled = await Promise.all(outcomes);
    const published = records.filter((_, i) => settled[i] === "published").map((r) => r.id);
    const parked = settled.filter((outcome) => outcome === "parked").length;
    const failure = settled.find(isFailure);
    if (published.length > 0) await withoutTracing(() => source.markPublished(published));
    const more = failure === undefined && records.length === batchSize;
    return failure === undefined
      ? { published: published.length, parked, more }
      : { published: published.length, parked, more, error: failure.error };
  }

  async function drain(keepGoing: () => boolean): Promise<OutboxFlushResult> {
    let published = 0;
    let parked = 0;
    for (;;) {
      try {
        const batch = await relayBatch();
        published += batch.published;
        parked += batch.parked;
        if (batch.error !== undefined) return { published, parked, error: batch.error };
        if (!batch.more || !keepGoing()) return { published, parked };
      } catch (error) {
        return { published, parked, error };
      }
    }
  }

  function exclusive(keepGoing: () => boolean): Promise<OutboxFlushResult> {
    // One batch at a time: a flush() during a tick waits for it instead of racing it.
    const next = current.then(() => drain(keepGoing));
    current = next;
    return next;
  }

  function schedule(delayMs: number): void {
    timer = setTimeout(tick, delayMs);
    // The relay alone must not keep a process alive (the HTTP server does).
    timer.unref();
  }

  function report(result: OutboxFlushResult): void {
    if (result.error === undefined) {
      failures = 0;
    } else {
      failures += 1;
      logger?.warn("outbox.relay.failed", {
        published: result.published,
        failures,
        error: result.error,
      });
    }
    // The steady state, one event woken by its commit, is in the event's trace; a line for
    // each would double the log. A backlog caught up, or a parked row, is worth one.
    if (result.published > 1 || result.parked > 0) {
      logger?.info("outbox.relay.published", {
        published: result.published,
        parked: result.parked,
      });
    }
  }

  async function tick(): Promise<void> {
    report(await exclusive(() => running));
    if (running) schedule(Math.min(intervalMs * 2 ** failures, maxBackoffMs));
  }

  function wake(): void {
    // While publishing fails the backoff decides when to try again, not every commit.
    if (!running || wakeQueued || failures > 0) return;
    wakeQueued = true;
    // The batch that runs next sees every row committed before it starts: one wake will do.
    // It is the relay's own work, not the waking commit's (PGlite calls the outbox's listener
    // in the writer's request), so its lines carry no request's trace.
    void context.with(ROOT_CONTEXT, () =>
      current.then(() => {
        wakeQueued = false;
        // stop() came meanwhile and awaited only the batch this wake was queued behind: no
        // batch may start after it returned (its caller closes NATS and the database next).
        if (!running) return;
        return exclusive(() => running).then(report);
      }),
    );
  }

  return {
    start() {
      if (running) return;
      running = true;
      schedule(0);
    },
    async stop() {
      running = false;
      clearTimeout(timer);
      await current;
    },
    wake,
    resume() {
      failures = 0;
      wake();
    },
    async flush() {
      const result = await exclusive(() => true);
      // A flush that got through (NATS back) ends the backoff: commits wake the relay again.
      if (result.error === undefined) failures = 0;
      return result;
    },
  };
}
