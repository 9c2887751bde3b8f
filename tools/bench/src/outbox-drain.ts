import { join } from "node:path";
import {
  acceptsConnections,
  type BackgroundProgram,
  findProgram,
  type Mesh,
  startBackgroundProgram,
} from "@tracemesh/mesh";
import { runLoad } from "./http-load.ts";

export interface OutboxDrainResult {
  /** The nats-server started again: the caller stops it once the mesh is stopped. */
  nats: BackgroundProgram;
  events: number;
  /** From NATS answering again to the relay's first publish, milliseconds. */
  reconnectMs: number;
  /** From the first publish to an empty outbox, milliseconds. */
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
  const back = performance.now();
  let firstPublish: number | undefined;
  for (;;) {
    const pending = (await outboxPending(metricsUrl)) ?? waiting;
    if (firstPublish === undefined && pending < waiting) firstPublish = performance.now();
    if (pending === 0) break;
    if (performance.now() - back > 300_000) throw new Error(`the outbox still holds ${pending}`);
    // Each reading is a query of the outbox table (the gauge's): not too often.
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const done = performance.now();
  const drainMs = done - (firstPublish ?? back);
  return {
    nats,
    events: options.events,
    reconnectMs: (firstPublish ?? done) - back,
    drainMs,
    eventsPerSecond: (options.events / drainMs) * 1000,
  };
}
