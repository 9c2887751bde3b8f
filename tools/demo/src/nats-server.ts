import { type ChildProcess, spawn } from "node:child_process";
import { accessSync, constants, createWriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import { connect, createServer } from "node:net";
import { delimiter, dirname, join } from "node:path";

export interface NatsBackend {
  /** What todo-api and the notifier get as NATS_URL; undefined when no NATS could be had. */
  url: string | undefined;
  description: string;
  close(): Promise<void>;
}

export interface OpenNatsOptions {
  /** The NATS to use when it answers: NATS_URL, or nats://127.0.0.1:4222. */
  natsUrl: string;
  /** "private" never touches the NATS at natsUrl: a run (or a test) keeps its JetStream state to itself. */
  mode: "auto" | "private";
  /** The private server's JetStream store and its log go under this folder. */
  dataDir: string;
  /** Folders to look for nats-server in (a PATH), before /usr/sbin. @default "" */
  searchPath?: string;
}

/** Resolves when something accepts TCP connections at host:port. */
function answers(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once("connect", () => done(true));
    socket.once("timeout", () => done(false));
    socket.once("error", () => done(false));
  });
}

/** Listens on `port` (0: any) and closes again; rejects when it is taken. */
async function reservePort(port: number): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address === "string") throw new Error("no port");
  return address.port;
}

function findNatsServer(searchPath: string): string | undefined {
  const candidates = [
    ...searchPath.split(delimiter).map((dir) => join(dir, "nats-server")),
    "/usr/sbin/nats-server",
  ];
  return candidates.find((path) => {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

async function waitForPort(child: ChildProcess, port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`nats-server exited with code ${child.exitCode}`);
    if (await answers("127.0.0.1", port)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill("SIGKILL");
  throw new Error(`nats-server did not listen on ${port} within ${timeoutMs} ms`);
}

/**
 * The NATS at `natsUrl` when it answers (mode "auto"); otherwise a private `nats-server` with
 * JetStream, on the URL's port when free (a free port if not), stopped by `close()`; otherwise
 * none, with a description saying why.
 */
export async function openNats(options: OpenNatsOptions): Promise<NatsBackend> {
  const { natsUrl, mode, dataDir, searchPath = "" } = options;
  const target = new URL(natsUrl);
  const targetPort = Number(target.port || 4222);
  if (mode === "auto" && (await answers(target.hostname, targetPort))) {
    return { url: natsUrl, description: `${natsUrl} (already running)`, close: async () => {} };
  }
  const binary = findNatsServer(searchPath);
  if (!binary) {
    return {
      url: undefined,
      description: `none: nothing answered at ${natsUrl} and no nats-server is installed (PATH, /usr/sbin)`,
      close: async () => {},
    };
  }
  // A private run never takes the well-known port: a shared NATS may come back on it.
  const port =
    mode === "auto"
      ? await reservePort(targetPort).catch(() => reservePort(0))
      : await reservePort(0);
  const logFile = join(dataDir, "logs/nats.log");
  await mkdir(dirname(logFile), { recursive: true });
  const child = spawn(
    binary,
    ["-a", "127.0.0.1", "-p", String(port), "-js", "-sd", join(dataDir, "nats")],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  // A failed spawn surfaces as the exit code check in waitForPort, not as an unhandled event.
  child.once("error", () => {});
  const log = createWriteStream(logFile, { flags: "w" });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    await waitForPort(child, port);
  } catch (error) {
    log.end();
    const reason = error instanceof Error ? error.message : String(error);
    return {
      url: undefined,
      description: `none: ${reason} (see ${logFile})`,
      close: async () => {},
    };
  }
  const url = `nats://127.0.0.1:${port}`;
  return {
    url,
    description: `${url} (private ${binary}, JetStream in ${join(dataDir, "nats")}, logs ${logFile})`,
    close: async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
      log.end();
    },
  };
}
