import { setTimeout as sleep } from "node:timers/promises";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import type { QueueLogger } from "@tracemesh/queue";

export interface KeepNatsConnectedOptions {
  /** `host:port` or `nats://…`; never logged (it may hold credentials). */
  servers: string;
  logger: QueueLogger;
  /** Shown by the server's monitoring. @default "todo-api" */
  name?: string;
  /** First pause between attempts (connecting, and the client's reconnects). @default 500 */
  retryMs?: number;
  /** Longest pause between connection attempts. @default 5000 */
  maxRetryMs?: number;
  /** A server that accepts TCP but never answers is given up after this. @default 5000 */
  connectTimeoutMs?: number;
  /** Waited for on stop before the connection is closed anyway. @default 5000 */
  drainTimeoutMs?: number;
  /**
   * Runs after each connection and reconnection (e.g. to ensure the streams, which a server
   * restarted without its store has lost). Retried with backoff while it throws.
   */
  onConnected?: (nc: NatsConnection) => Promise<void>;
}

export interface NatsLink {
  /** The live connection (possibly reconnecting), or undefined before the first one. */
  connection(): NatsConnection | undefined;
  isConnected(): boolean;
  /** Stops retrying, drains the connection (bounded by drainTimeoutMs), then closes it. */
  close(): Promise<void>;
}

/**
 * Connects to NATS in the background and stays connected: a server that is down at start is
 * retried forever, with backoff, instead of failing or blocking start-up; once connected,
 * the client reconnects by itself, and a connection that closes anyway is opened again.
 */
export function keepNatsConnected(options: KeepNatsConnectedOptions): NatsLink {
  const { servers, logger, name = "todo-api", onConnected } = options;
  const { retryMs = 500, maxRetryMs = 5000, connectTimeoutMs = 5000 } = options;
  const { drainTimeoutMs = 5000 } = options;
  const stopping = new AbortController();
  let current: NatsConnection | undefined;
  let connected = false;
  let preparing: Promise<void> | undefined;

  const backoff = (attempt: number) => Math.min(retryMs * 2 ** (attempt - 1), maxRetryMs);
  const pause = (ms: number) =>
    sleep(ms, undefined, { signal: stopping.signal }).catch(() => undefined);

  async function prepare(nc: NatsConnection): Promise<void> {
    for (let attempt = 1; onConnected && !stopping.signal.aborted && !nc.isClosed(); attempt++) {
      try {
        await onConnected(nc);
        return;
      } catch (error) {
        logger.warn("nats.setup_failed", { attempt, error });
        await pause(backoff(attempt));
      }
    }
  }

  function prepareOnce(nc: NatsConnection): Promise<void> {
    preparing ??= prepare(nc).finally(() => {
      preparing = undefined;
    });
    return preparing;
  }

  async function watch(nc: NatsConnection): Promise<void> {
    for await (const status of nc.status()) {
      if (status.type === "disconnect") {
        connected = false;
        logger.warn("nats.disconnected", {});
      } else if (status.type === "reconnect") {
        connected = true;
        logger.info("nats.reconnected", {});
        void prepareOnce(nc);
      }
    }
  }

  async function run(): Promise<void> {
    for (let attempt = 1; !stopping.signal.aborted; attempt++) {
      let nc: NatsConnection;
      try {
        nc = await connect({
          servers,
          name,
          maxReconnectAttempts: -1,
          reconnectTimeWait: retryMs,
          timeout: connectTimeoutMs,
        });
      } catch (error) {
        // One line for the first failures, then one in ten: an outage may last hours.
        if (attempt <= 3 || attempt % 10 === 0)
          logger.warn("nats.connect_failed", { attempt, error });
        await pause(backoff(attempt));
        continue;
      }
      if (stopping.signal.aborted) {
        await nc.close();
        return;
      }
      current = nc;
      connected = true;
      attempt = 0;
      logger.info("nats.connected", {});
      // Status events only update the flag and the log: a failure there must not end us.
      void watch(nc).catch(() => undefined);
      await prepareOnce(nc);
      const error = await nc.closed();
      connected = false;
      current = undefined;
      if (!stopping.signal.aborted) logger.warn("nats.closed", { error });
    }
  }

  const running = run();
  return {
    connection: () => current,
    isConnected: () => connected,
    async close() {
      stopping.abort();
      const nc = current;
      if (nc !== undefined && !nc.isClosed()) {
        // Draining needs the server: while it is away, close at once.
        if (connected) {
          const gaveUp = sleep(drainTimeoutMs, undefined, { ref: false });
          await Promise.race([nc.drain().catch(() => undefined), gaveUp]);
        }
        if (!nc.isClosed()) await nc.close();
      }
      await running;
    },
  };
}
