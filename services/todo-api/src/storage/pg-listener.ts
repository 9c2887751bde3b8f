import pg from "pg";
import { callDatabase } from "./database-errors.ts";

/** A plain identifier: LISTEN takes no parameter, so the channel is checked, never quoted in. */
const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/;
const RECONNECT_MS = 5000;

export interface PgListenerOptions {
  /** The connection settings of the pool's sessions. */
  config: pg.ClientConfig;
  channel: string;
  /** Only notifications with this payload (the schema the session works in), when set. */
  payload?: string;
  onNotification: () => void;
  /** Told when the session is lost; it is listened on again after a pause. */
  onError: (error: Error) => void;
}

/**
 * LISTENs on `channel` on a session of its own (a pool would hand LISTEN to any connection),
 * and again on a new one when it is lost. Resolves once the first LISTEN is in place, to a
 * function that stops listening.
 */
export async function listenOnPg(options: PgListenerOptions): Promise<() => Promise<void>> {
  const { config, channel, payload, onNotification, onError } = options;
  if (!CHANNEL.test(channel)) throw new TypeError(`invalid channel name: ${channel}`);
  let stopped = false;
  let current: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;

  async function connect(): Promise<void> {
    const client = new pg.Client(config);
    client.on("notification", (message) => {
      if (message.channel !== channel) return;
      if (payload === undefined || message.payload === payload) onNotification();
    });
    const lost = (error?: Error) => {
      if (stopped || current !== client) return;
      current = undefined;
      onError(error ?? new Error("the LISTEN session ended"));
      retry = setTimeout(() => void connect().catch(lost), RECONNECT_MS);
      retry.unref();
    };
    client.on("error", lost);
    client.on("end", () => lost());
    current = client;
    await callDatabase(() => client.connect());
    await callDatabase(() => client.query(`LISTEN ${channel}`));
  }

  await connect();
  return async () => {
    stopped = true;
    clearTimeout(retry);
    await current?.end().catch(() => {});
  };
}
