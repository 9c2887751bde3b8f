import { join } from "node:path";
import { type JetStreamManager, jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import {
  acceptsConnections,
  type BackgroundProgram,
  findProgram,
  type Mesh,
  startBackgroundProgram,
} from "@tracemesh/mesh";
import { QUEUE_DEFAULTS } from "@tracemesh/queue";
import { runLoad } from "./http-load.ts";

export interface OutboxDrainResult {
  /** The nats-server started again: the caller stops it once the mesh is stopped. */
  nats: BackgroundProgram;
  events: number;
  /** From NATS answering again to the first event stored in the stream, milliseconds. */
  reconnectMs: number;
  /** From the first event stored in the stream to the last, by the server's clock, milliseconds. */
  drainMs: number;
  eventsPerSecond: number;
}

async function outboxPending(metricsUrl: string): Promise<number | undefined> {
  const text = await fetch(metricsUrl).then(
    (r) => r.text(),
    () => "",
  );
  const value = /^tracemesh_outbox_pending(?:\{[^}]*\})? (\S+)$/m.exec(text)?.[1];
  return value === undefined ? undefined : Number(value);
}

const STREAM = QUEUE_DEFAULTS.stream;

/** Reads the mesh's event stream over a connection of its own. */
async function withStream<T>(
  natsUrl: string,
  read: (jsm: JetStreamManager) => Promise<T>,
): Promise<T> {
  const nc = await connect({ servers: natsUrl });
  try {
    return await read(await jetstreamManager(nc));
  } finally {
    await nc.close();
  }
}

/** When the server stored message `seq`, epoch milliseconds. */
async function storedAt(jsm: JetStreamManager, seq: number): Promise<number> {
  const message = await jsm.streams.getMessage(STREAM, { seq });
  if (!message) throw new Error(`message ${seq} is not in ${STREAM}`);
  return message.time.getTime();
}

/**
 * Stops the mesh's private NATS, creates `events` todos (each answers 201: the outbox keeps its
 * event), starts NATS again on the same port and store, and times the relay emptying the outbox.
 */
export async function measureOutboxDrain(
  mesh: Mesh,
  token: string,
  options: { events: number; searchPath: string },
): Promise<OutboxDrainResult> {
  const natsUrl = mesh.nats.url;
  const binary = findProgram(["nats-server"], options.searchPath);
  if (!natsUrl || !binary) throw new Error("the outbox drain needs the mesh's own nats-server");
  const before = await withStream(natsUrl, async (jsm) => (await jsm.streams.info(STREAM)).state);
  await mesh.nats.close();
  const load = await runLoad(
    {
      url: `${mesh.urls["todo-api"]}/v1/todos`,
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
      body: { title: "waits in the outbox" },
    },
    { connections: 8, amount: options.events },
  );
  if ((load.statuses["201"] ?? 0) !== options.events) {
    throw new Error(`writes with NATS down: ${JSON.stringify(load.statuses)}`);
  }
  const port = Number(new URL(natsUrl).port);
  const metricsUrl = mesh.metricsUrls["todo-api"];
  const waiting = (await outboxPending(metricsUrl)) ?? options.events;
  const nats = await startBackgroundProgram({
    name: "nats-server",
    binary,
    args: ["-a", "127.0.0.1", "-p", String(port), "-js", "-sd", join(mesh.dataDir, "nats")],
    logFile: join(mesh.dataDir, "logs/nats-again.log"),
    isReady: () => acceptsConnections("127.0.0.1", port),
  });
  // The caller stops this NATS when the drain is measured; a failure before that stops it here.
  try {
    const back = Date.now();
    for (;;) {
      const pending = (await outboxPending(metricsUrl)) ?? waiting;
      if (pending === 0) break;
      if (Date.now() - back > 300_000) throw new Error(`the outbox still holds ${pending}`);
      // Each reading is a query of the outbox table (the gauge's), so not too often: the times
      // come from the stream, this only waits for the end.
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    // The relay's publishes in the stream, as the server stored them: first and last.
    const { first, last, events } = await withStream(natsUrl, async (jsm) => {
      const after = (await jsm.streams.info(STREAM)).state;
      return {
        first: await storedAt(jsm, before.last_seq + 1),
        last: await storedAt(jsm, after.last_seq),
        events: after.last_seq - before.last_seq,
      };
    });
    if (events !== options.events) throw new Error(`${events} of ${options.events} events stored`);
    // Milliseconds on the server's clock: one event more than the interval's count of gaps.
    const drainMs = Math.max(1, last - first);
    return {
      nats,
      events,
      reconnectMs: first - back,
      drainMs,
      eventsPerSecond: ((events - 1) / drainMs) * 1000,
    };
  } catch (error) {
    await nats.stop();
    throw error;
  }
}
