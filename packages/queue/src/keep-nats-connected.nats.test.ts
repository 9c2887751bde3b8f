import type { NatsConnection } from "@nats-io/transport-node";
import { captureLogger } from "@tracemesh/logger/testing";
import { waitFor } from "@tracemesh/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keepNatsConnected } from "./keep-nats-connected.ts";
import { type PrivateNatsServer, privateNatsServer } from "./test-utils.ts";

let server: PrivateNatsServer;

beforeAll(async () => {
  server = await privateNatsServer({ started: false });
});
afterAll(() => server?.dispose());

describe("keepNatsConnected", () => {
  it("waits for a late server, follows its outages, and closes at once while it is away", async () => {
    const logs = captureLogger({ service: "queue-test" });
    const prepared: NatsConnection[] = [];
    const link = keepNatsConnected({
      servers: ` ${server.url} `,
      name: "queue-test",
      logger: logs.logger,
      retryMs: 50,
      maxRetryMs: 200,
      async onConnected(nc) {
        prepared.push(nc);
      },
    });
    const events = async () => (await logs.lines()).map((line) => line.event);
    await waitFor(async () => (await events()).includes("nats.connect_failed"), "a failed try");
    expect(link.isConnected()).toBe(false);
    expect(link.connection()).toBeUndefined();
    expect(link.connectionSignal().aborted).toBe(true);

    await server.start();
    await waitFor(() => link.isConnected(), "the connection");
    expect(prepared).toEqual([link.connection()]);
    // What waits on a reply sent now hears when this connection drops.
    const first = link.connectionSignal();
    expect(first.aborted).toBe(false);

    await server.stop();
    await waitFor(() => !link.isConnected(), "the disconnection");
    expect(first.aborted).toBe(true);
    expect(link.connectionSignal().aborted).toBe(true);
    await server.start();
    await waitFor(() => link.isConnected(), "the reconnection");
    // Each reconnection runs onConnected again (a restarted server may have lost its streams).
    await waitFor(() => prepared.length === 2, "onConnected after the reconnection");
    expect(link.connectionSignal().aborted).toBe(false);
    expect(first.aborted).toBe(true);

    await server.stop();
    await waitFor(() => !link.isConnected(), "the second disconnection");
    const closing = performance.now();
    await link.close();
    expect(performance.now() - closing).toBeLessThan(1_000);
    expect(link.connection()?.isClosed() ?? true).toBe(true);
    expect(await events()).toEqual(
      expect.arrayContaining([
        "nats.connected",
        "nats.disconnected",
        "nats.reconnected",
        "nats.closed_without_drain",
      ]),
    );
  });

  it("drains a connection whose server is there, and is not connected once closed", async () => {
    await server.start();
    const logs = captureLogger({ service: "queue-test" });
    const link = keepNatsConnected({ servers: server.url, logger: logs.logger });
    await waitFor(() => link.isConnected(), "the connection");
    const nc = link.connection();
    await link.close();
    expect(nc?.isClosed()).toBe(true);
    expect(link.isConnected()).toBe(false);
    const events = (await logs.lines()).map((line) => line.event);
    expect(events).not.toContain("nats.drain_failed");
    expect(events).not.toContain("nats.closed");
  });
});
