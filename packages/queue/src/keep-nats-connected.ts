import { setTimeout as sleep } from "node:timers/promises";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import type { QueueLogger } from "./queue-logger.ts";

export interface KeepNatsConnectedOptions {
  /** `host:port` or `nats://…`, comma-separated for several; never logged (may hold credentials). */
  servers: string;
  logger: QueueLogger;
  /** The client name the server's monitoring shows, e.g. the service's. */
  name?: string;
  /** First pause between attempts (connecting, and the client's reconnects). @default 500 */
  retryMs?: number;
  /** Longest pause between connection attempts. @default 5000 */
  maxRetryMs?: number;
  /** A server that accepts TCP but never answers is given up after this. @default 5000 */
  connectTimeoutMs?: number;
  /** Waited for on close before the connection is closed anyway. @default 5000 */
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
  /** Whether messages can travel now: connected, not between a disconnect and its reconnect, not draining. */
  isConnected(): boolean;
  /**
   * Aborts when the connection in use now drops (already aborted while there is none): a reply
   * awaited to a request sent on it will not come, since the client sends nothing again after a
   * reconnect, and whoever waits for one can give up at once rather than at its timeout.
   */
  connectionSignal(): AbortSignal;
  /**
   * Stops retrying and closes the connection: drained first when the server is there (bounded
   * by drainTimeoutMs), closed at once when it is not. Never rejects.
   */
  close(): Promise<void>;
}

const NOT_CONNECTED = AbortSignal.abort(new Error("not connected to NATS"));

/**
 * Connects to NATS in the background and stays connected, the one way every service connects:
 * a server that is down at start is retried forever, with backoff, instead of failing or
 * blocking start-up; once connected, the client reconnects by itself, and a connection that
 * closes anyway is opened again. Status changes are logged (nats.connected, nats.disconnected,
 * nats.reconnected, nats.closed).
 */
export function keepNatsConnected(options: KeepNatsConnectedOptions): NatsLink {
  const { logger, name, onConnected } = options;
  const servers = options.servers.split(",").map((server) => server.trim());
  const { retryMs = 500, maxRetryMs = 5000, connectTimeoutMs = 5000 } = options;
  const { drainTimeoutMs = 5000 } = options;
  const stopping = new AbortController();
  let current: NatsConnection | undefined;
  let preparing: Promise<void> | undefined;
  // Set while connected (not between a disconnect and its reconnect); aborted when that ends.
  let live: AbortController | undefined;
  const connected = () => live !== undefined;
  function dropped(reason: string): void {
    live?.abort(new Error(reason));
    live = undefined;
  }

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
        dropped("the connection to NATS dropped");
        logger.warn("nats.disconnected", {});
      } else if (status.type === "reconnect") {
        live = new AbortController();
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
          ...(name === undefined ? {} : { name }),
          maxReconnectAttempts: -1,
          reconnectTimeWait: retryMs,
          timeout: connectTimeoutMs,
          // Otherwise every request (a publish's ack, a KV write, a pull) builds an Error up front
          // for the stack of a timeout that almost never comes: 2 % of the notifier's CPU.
          noAsyncTraces: true,
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
      live = new AbortController();
      attempt = 0;
      logger.info("nats.connected", {});
      // Status events only update the flag and the log: a failure there must not end us.
      void watch(nc).catch(() => undefined);
      await prepareOnce(nc);
      const error = await nc.closed();
      current = undefined;
      dropped("the connection to NATS closed");
      if (!stopping.signal.aborted) logger.warn("nats.closed", { error });
    }
  }

  const running = run();
  return {
    connection: () => current,
    isConnected: () => connected() && current !== undefined && !current.isDraining(),
    connectionSignal: () => live?.signal ?? NOT_CONNECTED,
    async close() {
      stopping.abort();
      const nc = current;
      if (nc !== undefined && !nc.isClosed()) {
        // Draining needs the server: while it is away, close at once. A server that went away
        // unnoticed makes drain() reject (or hang): closed anyway, nothing unsent is acked.
        if (connected()) {
          const gaveUp = sleep(drainTimeoutMs, new Error(`no drain in ${drainTimeoutMs} ms`), {
            ref: false,
          });
          const drained = nc.drain().then(
            () => undefined,
            (error: unknown) => error,
          );
          const failure = await Promise.race([drained, gaveUp]);
          if (failure !== undefined) logger.warn("nats.drain_failed", { error: failure });
        } else {
          logger.info("nats.closed_without_drain", { reason: "disconnected" });
        }
        if (!nc.isClosed()) await nc.close().catch(() => undefined);
      }
      await running;
    },
  };
}
