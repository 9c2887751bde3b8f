import { join } from "node:path";
import { startBackgroundProgram } from "./background-program.ts";
import { findProgram } from "./find-program.ts";
import { answers, portOrFree, reservePort } from "./local-port.ts";

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
  /** Folders to look for nats-server in (a PATH), before the system's. @default "" */
  searchPath?: string;
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
  const binary = findProgram(["nats-server"], searchPath);
  if (!binary) {
    return {
      url: undefined,
      description: `none: nothing answered at ${natsUrl} and no nats-server is installed (PATH, /usr/sbin)`,
      close: async () => {},
    };
  }
  // A private run never takes the well-known port: a shared NATS may come back on it.
  const port = mode === "auto" ? await portOrFree(targetPort) : await reservePort(0);
  const storeDir = join(dataDir, "nats");
  try {
    const server = await startBackgroundProgram({
      name: "nats-server",
      binary,
      args: ["-a", "127.0.0.1", "-p", String(port), "-js", "-sd", storeDir],
      logFile: join(dataDir, "logs/nats.log"),
      isReady: () => answers("127.0.0.1", port),
      readyTimeoutMs: 10_000,
    });
    const url = `nats://127.0.0.1:${port}`;
    return {
      url,
      description: `${url} (private ${binary}, JetStream in ${storeDir}, logs ${server.logFile})`,
      close: server.stop,
    };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { url: undefined, description: `none: ${reason}`, close: async () => {} };
  }
}
