import { randomUUID } from "node:crypto";
import { jetstream } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import type { Mesh } from "@tracemesh/mesh";

/** The faults `PUT /chaos` takes (packages/chaos); undefined clears them. */
export interface ChaosFaults {
  unavailable?: boolean;
  errorRate?: number;
  errorStatus?: 500 | 503;
  latencyMs?: number;
  ttlSeconds: number;
}

/** Sets (or, without faults, clears) auth's chaos faults; throws unless auth took them. */
export async function setAuthChaos(mesh: Mesh, faults?: ChaosFaults): Promise<void> {
  const response = await fetch(`${mesh.urls.auth}/chaos`, {
    method: faults ? "PUT" : "DELETE",
    headers: {
      authorization: `Bearer ${mesh.secrets.chaosToken}`,
      "content-type": "application/json",
    },
    ...(faults ? { body: JSON.stringify(faults) } : {}),
    signal: AbortSignal.timeout(5_000),
  });
  if (!response.ok) throw new Error(`auth's /chaos answered ${response.status}`);
}

/**
 * Publishes a todo.created CloudEvent with `data` straight to the mesh's NATS, past todo-api's
 * outbox: an event todo-api would never write (data that is not a todo, an owner auth cannot
 * look up while it is down).
 */
export async function publishTodoCreated(mesh: Mesh, data: unknown): Promise<void> {
  if (!mesh.nats.url) throw new Error("the mesh has no NATS");
  const nc = await connect({ servers: mesh.nats.url });
  try {
    const id = randomUUID();
    const event = {
      specversion: "1.0",
      id,
      source: "/observability/queries-test",
      type: "todo.created",
      time: new Date().toISOString(),
      datacontenttype: "application/json",
      data,
    };
    await jetstream(nc).publish("todo.events.created", JSON.stringify(event), { msgID: id });
  } finally {
    await nc.close();
  }
}

/** Sends `count` requests to todo-api, one after the other, and returns their statuses. */
export async function sendRequests(
  mesh: Mesh,
  count: number,
  path: string,
  headers: Record<string, string> = {},
): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i++) {
    const response = await fetch(new URL(path, mesh.urls["todo-api"]), {
      headers,
      signal: AbortSignal.timeout(5_000),
    });
    await response.arrayBuffer();
    statuses.push(response.status);
  }
  return statuses;
}
