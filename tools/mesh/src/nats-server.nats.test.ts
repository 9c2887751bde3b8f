import { mkdtemp } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { openNats } from "./nats-server.ts";

// NATS greets every client with an INFO line: proof that a NATS, not just any listener, answers.
function readInfo(url: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    socket.once("data", (chunk) => {
      socket.destroy();
      resolve(String(chunk));
    });
    socket.once("error", reject);
  });
}

test("private mode starts a JetStream nats-server of its own on a free port and stops it", async () => {
  const dataDir = await mkdtemp(join(tmpdir(), "tracemesh-mesh-nats-"));
  const nats = await openNats({ natsUrl: "nats://127.0.0.1:4222", mode: "private", dataDir });
  try {
    expect(nats.url, nats.description).toMatch(/^nats:\/\/127\.0\.0\.1:\d+$/);
    expect(nats.url).not.toBe("nats://127.0.0.1:4222");
    expect(nats.description).toContain(join(dataDir, "nats"));
    const info = await readInfo(nats.url ?? "");
    expect(info).toMatch(/^INFO .*"jetstream":true/);
  } finally {
    await nats.close();
  }
  await expect(readInfo(nats.url ?? "")).rejects.toThrow(/ECONNREFUSED/);
});

test("auto mode uses the NATS that answers at the URL and leaves it running", async () => {
  const nats = await openNats({
    natsUrl: "nats://127.0.0.1:4222",
    mode: "auto",
    dataDir: await mkdtemp(join(tmpdir(), "tracemesh-mesh-nats-")),
  });
  expect(nats.url).toBe("nats://127.0.0.1:4222");
  expect(nats.description).toContain("already running");
  await nats.close();
  expect(await readInfo("nats://127.0.0.1:4222")).toMatch(/^INFO /);
});
