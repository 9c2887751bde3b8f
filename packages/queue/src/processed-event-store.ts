import type { JetStreamClient } from "@nats-io/jetstream";
import { type KV, Kvm } from "@nats-io/kv";
import { DependencyError } from "@tracemesh/errors";

/** Remembers which events a consumer has handled, so a redelivery is not handled twice. */
export interface ProcessedEventStore {
  has(eventId: string): Promise<boolean>;
  markProcessed(eventId: string): Promise<void>;
}

export interface ProcessedEventStoreOptions {
  /** How long an event id is remembered: longer than any redelivery can come. @default 7 days */
  ttlMs?: number;
}

const KV_KEY = /^[-/_=.a-zA-Z0-9]+$/;

function keyOf(eventId: string): string {
  if (!KV_KEY.test(eventId)) throw new TypeError(`event id unusable as a KV key: ${eventId}`);
  return eventId;
}

async function dependency<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (cause) {
    throw new DependencyError({ dependency: "nats", cause });
  }
}

/**
 * A JetStream KV bucket of processed event ids (created when missing, opened otherwise), so
 * idempotency survives a consumer restart. Entries expire after `ttlMs`.
 */
export async function createProcessedEventStore(
  js: JetStreamClient,
  bucket: string,
  options: ProcessedEventStoreOptions = {},
): Promise<ProcessedEventStore> {
  const ttl = options.ttlMs ?? 7 * 24 * 3_600_000;
  const kv: KV = await dependency(() => new Kvm(js).create(bucket, { history: 1, ttl }));
  return {
    async has(eventId) {
      const key = keyOf(eventId);
      const entry = await dependency(() => kv.get(key));
      return entry?.operation === "PUT";
    },
    async markProcessed(eventId) {
      const key = keyOf(eventId);
      await dependency(() => kv.put(key, new Date().toISOString()));
    },
  };
}
