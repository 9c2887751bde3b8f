import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, TEST_NATS_SERVER_BIN, waitFor } from "@tracemesh/testing";

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
    socket.connect(port, "127.0.0.1");
  });
}

export interface PrivateNatsServerOptions {
  /** Start it now. @default true */
  started?: boolean;
  /** The largest message the server takes (its max_payload). @default the server's (1 MB) */
  maxPayload?: number;
}

export interface PrivateNatsServer {
  url: string;
  /** Starts the server on its port and store directory, unless it is running. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Stops the server answering (SIGSTOP): its connections stay open, nothing is acknowledged. */
  freeze(): void;
  /** Ends the server at once (SIGKILL), frozen or not, as a crash would. */
  crash(): Promise<void>;
  /** Stops the server and removes its store. */
  dispose(): Promise<void>;
}

/** Neither exited nor ended by a signal. */
function isRunning(child: ChildProcess | undefined): child is ChildProcess {
  return child !== undefined && child.exitCode === null && child.signalCode === null;
}

/** A nats-server with JetStream of this test's own, on a free port, that the test can stop. */
export async function privateNatsServer(
  options: PrivateNatsServerOptions = {},
): Promise<PrivateNatsServer> {
  const port = await freePort();
  const storeDir = await mkdtemp(join(tmpdir(), "tracemesh-nats-"));
  const args = ["-a", "127.0.0.1", "-p", String(port), "-js", "-sd", storeDir];
  if (options.maxPayload !== undefined) {
    // No command-line flag for it: a configuration file, the flags still apply on top.
    const file = join(storeDir, "nats.conf");
    await writeFile(file, `max_payload: ${options.maxPayload}\n`);
    args.unshift("-c", file);
  }
  let child: ChildProcess | undefined;
  async function end(signal: NodeJS.Signals): Promise<void> {
    const running = child;
    child = undefined;
    if (!isRunning(running)) return;
    const exited = new Promise((resolve) => running.once("exit", resolve));
    running.kill(signal);
    // A frozen server takes the signal once it runs again.
    running.kill("SIGCONT");
    await exited;
  }
  const server: PrivateNatsServer = {
    url: `127.0.0.1:${port}`,
    async start() {
      if (isRunning(child)) return;
      child = spawn(TEST_NATS_SERVER_BIN, args, { stdio: "ignore" });
      const exited = new Promise<never>((_, reject) =>
        child?.once("exit", (code) => reject(new Error(`nats-server exited with ${code}`))),
      );
      const listening = waitFor(() => accepts(port), "nats-server to listen");
      // Whichever loses the race rejects later, with nobody left to hear it.
      exited.catch(() => {});
      listening.catch(() => {});
      await Promise.race([listening, exited]);
    },
    async stop() {
      await end("SIGTERM");
    },
    freeze() {
      child?.kill("SIGSTOP");
    },
    async crash() {
      await end("SIGKILL");
    },
    async dispose() {
      await server.stop();
      await rm(storeDir, { recursive: true, force: true });
    },
  };
  if (options.started ?? true) await server.start();
  return server;
}
