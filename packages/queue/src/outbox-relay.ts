import { context } from "@opentelemetry/api";
import type { CloudEvent } from "./cloud-event.ts";
import type { QueueLogger } from "./queue-logger.ts";
import { contextFromCarrier, type TraceCarrier } from "./trace-headers.ts";

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
}

/** Publishes one event, e.g. `(event, options) => publishEvent(js, event, options)`. */
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
 * marks only what the broker acknowledged. A failure ends the batch; the next tick retries
 * with backoff. At-least-once here plus `Nats-Msg-Id` dedup gives one copy in the stream.
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

  async function relayBatch(): Promise<OutboxFlushResult & { more: boolean }> {
    const records = await source.claimPending(batchSize);
    const published: string[] = [];
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
        error = publishError;
        break;
      }
    }
    if (published.length > 0) await source.markPublished(published);
    const more = error === undefined && records.length === batchSize;
    return error === undefined
      ? { published: published.length, more }
      : { published: published.length, more, error };
  }

  async function drain(keepGoing: () => boolean): Promise<OutboxFlushResult> {
    let published = 0;
    for (;;) {
      try {
        const batch = await relayBatch();
        published += batch.published;
        if (batch.error !== undefined) return { published, error: batch.error };
        if (!batch.more || !keepGoing()) return { published };
      } catch (error) {
        return { published, error };
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
    if (result.published > 0)
      logger?.info("outbox.relay.published", { published: result.published });
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
