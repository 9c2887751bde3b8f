import { context } from "@opentelemetry/api";
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

export interface OutboxRelay {
  start(): void;
  /** Stops polling; resolves once the batch being published is done. */
  stop(): Promise<void>;
  /** Relays until the outbox is empty or a failure; for tests and shutdown. */
  flush(): Promise<OutboxFlushResult>;
}

/**
 * Publishes outbox records in order, each in the trace of the request that stored it, and
 * marks only what the broker acknowledged. A transient failure (the broker away, a timeout)
 * ends the batch and the next tick retries with backoff; a permanent one parks that record and
 * the batch goes on, so one bad record never holds back the others. At-least-once here plus
 * `Nats-Msg-Id` dedup gives one copy in the stream. The relay's own queries are not traced.
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

  async function relayBatch(): Promise<OutboxFlushResult & { more: boolean }> {
    const records = await withoutTracing(() => source.claimPending(batchSize));
    const published: string[] = [];
    let parked = 0;
    let error: unknown;
    for (const record of records) {
      try {
        const ctx = contextFromCarrier({
          traceparent: record.traceparent ?? record.event.traceparent,
          tracestate: record.tracestate ?? record.event.tracestate,
          baggage: record.baggage,
        });
        await context.with(ctx, () => publish(record.event, { subject: record.subject }));
        published.push(record.id);
      } catch (publishError) {
        error = await settleFailure(record, publishError);
        if (error !== undefined) break;
        parked += 1;
      }
    }
    if (published.length > 0) await withoutTracing(() => source.markPublished(published));
    const more = error === undefined && records.length === batchSize;
    return error === undefined
      ? { published: published.length, parked, more }
      : { published: published.length, parked, more, error };
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

  async function tick(): Promise<void> {
    const result = await exclusive(() => running);
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
    if (result.published > 0 || result.parked > 0) {
      logger?.info("outbox.relay.published", {
        published: result.published,
        parked: result.parked,
      });
    }
    if (running) schedule(Math.min(intervalMs * 2 ** failures, maxBackoffMs));
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
    flush() {
      return exclusive(() => true);
    },
  };
}
