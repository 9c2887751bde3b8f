import type { NatsConnection } from "@nats-io/transport-node";

/** What the watcher logs: `@tracemesh/logger`'s Logger fits. */
export interface ConnectionLogger {
  info(event: string, fields?: Record<string, unknown>): unknown;
  warn(event: string, fields?: Record<string, unknown>): unknown;
}

/**
 * Whether the NATS connection can carry messages right now: not closed, not draining, and not
 * between a disconnect and the reconnect that ends it. Transitions are logged.
 */
export function watchConnection(nc: NatsConnection, logger: ConnectionLogger): () => boolean {
  let connected = true;
  async function follow(): Promise<void> {
    for await (const status of nc.status()) {
      if (status.type === "disconnect") {
        connected = false;
        logger.warn("nats.disconnected", {});
      } else if (status.type === "reconnect") {
        connected = true;
        logger.info("nats.reconnected", {});
      }
    }
  }
  // The status stream ends when the connection closes, which isClosed() reports.
  follow().catch((error: unknown) => logger.warn("nats.status_unavailable", { error }));
  return () => connected && !nc.isClosed() && !nc.isDraining();
}
