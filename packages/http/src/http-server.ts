import { createServer, maxHeaderSize, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { getRequestListener } from "@hono/node-server";
import {
  describeError,
  type LogFields,
  shutdownTelemetry,
  writeLogLine,
} from "@tracemesh/telemetry";
import { rejectedRequests } from "./rejected-requests.ts";
import { rejectionResponse } from "./rejection-response.ts";
import type { RejectionResponder } from "./request-rejection.ts";
import type { ServerBindings } from "./shutting-down.ts";

type FetchCallback = Parameters<typeof getRequestListener>[0];

/** The part of `@tracemesh/logger`'s Logger the server writes to. */
export interface ServerLogger {
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
}

export interface HttpServerOptions {
  /** The Hono app (anything with Hono's `fetch`). */
  app: { fetch: FetchCallback };
  /** 0 picks a free port; the bound one is returned. */
  port: number;
  /** @default all interfaces */
  hostname?: string;
  /** @default JSON lines on stdout */
  logger?: ServerLogger;
  /**
   * Runs as soon as shutdown begins, while the in-flight requests finish: stop taking work that
   * does not come over HTTP (a queue consumer's pulls), since the drain may take a while.
   */
  onShutdownStarted?: () => void | Promise<void>;
  /** Runs once in-flight requests (and onShutdownStarted) are done, before telemetry is flushed: close pools, consumers. */
  onShutdown?: () => void | Promise<void>;
  /**
   * From the signal, how long the listener still takes new requests, so that a load balancer
   * which saw `/health/ready` fail (`c.env.shuttingDown`) stops sending before it closes. Every
   * response from the signal on says `Connection: close`: clients reconnect, elsewhere.
   * @default 0
   */
  graceMs?: number;
  /**
   * After the grace period, connections still open after this long are cut, so a stuck client
   * cannot hold the exit. @default 10000
   */
  drainTimeoutMs?: number;
  /** @default ["SIGTERM", "SIGINT"] */
  signals?: NodeJS.Signals[];
  /**
   * Answers the requests the app never sees (Node's parser refused them, or the Host is
   * invalid), so that none is left to Node's bare, untraced answers.
   * @default rejectionResponse, the error contract's answer
   */
  respondToRejection?: RejectionResponder;
}

export interface RunningHttpServer {
  server: Server;
  port: number;
  /** Stops accepting, lets in-flight requests finish, runs onShutdown, flushes telemetry. Idempotent. */
  shutdown(): Promise<void>;
}

const defaultLogger: ServerLogger = {
  info: (event, fields) => writeLogLine("info", event, fields),
  warn: (event, fields) => writeLogLine("warn", event, fields),
  error: (event, fields) => writeLogLine("error", event, fields),
};

/**
 * Serves a Hono app with @hono/node-server and shuts it down gracefully on SIGTERM/SIGINT:
 * run `onShutdownStarted` and fail readiness at once, keep serving for `graceMs` with
 * `Connection: close`, stop accepting, finish in-flight requests, run `onShutdown`, flush
 * telemetry, exit 0 (1 when either hook failed). Resolves once the server listens.
 */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const {
    app,
    port,
    hostname,
    logger = defaultLogger,
    onShutdownStarted,
    onShutdown,
    graceMs = 0,
    drainTimeoutMs = 10_000,
    signals = ["SIGTERM", "SIGINT"],
    respondToRejection = rejectionResponse,
  } = options;
  const inFlight = new Set<ServerResponse>();
  const state: ServerState = { shuttingDown: false };
  const server = createHttpServer(app.fetch, { respondToRejection, logger, inFlight, state });
  trackInFlight(server, inFlight, state);
  await listen(server, port, hostname);
  const boundPort = (server.address() as AddressInfo).port;

  let stopping: Promise<boolean> | undefined;
  const stop = (): Promise<boolean> => {
    state.shuttingDown = true;
    stopping ??= drainAndClose(server, inFlight, {
      logger,
      onShutdownStarted,
      onShutdown,
      graceMs,
      drainTimeoutMs,
    });
    return stopping;
  };

  function onSignal(signal: NodeJS.Signals): void {
    if (stopping) {
      // A second Ctrl-C means "now": skip the drain.
      logger.info("server.shutdown_forced", { signal });
      process.exit(1);
    }
    logger.info("server.shutdown_started", { signal, graceMs, drainTimeoutMs });
    void stop().then((succeeded) => process.exit(succeeded ? 0 : 1));
  }
  for (const signal of signals) process.on(signal, onSignal);
  // Only now: whoever reads this line may signal at once, and must find the handlers in place.
  logger.info("server.listening", { port: boundPort });

  return {
    server,
    port: boundPort,
    async shutdown() {
      for (const signal of signals) process.off(signal, onSignal);
      await stop();
    },
  };
}

/** Shared by the request listener and the shutdown. */
interface ServerState {
  shuttingDown: boolean;
}

interface CreateOptions {
  respondToRejection: RejectionResponder;
  logger: ServerLogger;
  inFlight: Set<ServerResponse>;
  state: ServerState;
}

// @hono/node-server's serve() without its wrapper, which has no way to pass an errorHandler.
function createHttpServer(fetch: FetchCallback, options: CreateOptions): Server {
  const { respondToRejection, logger, inFlight, state } = options;
  // Node would answer a missing Host itself, bare; @hono/node-server refuses it anyway.
  const server = createServer({ requireHostHeader: false });
  const rejections = rejectedRequests({
    respond: respondToRejection,
    logger,
    inFlight,
    maxHeaderBytes: maxHeaderSize,
  });
  // The app learns of the shutdown through its bindings (`c.env.shuttingDown`).
  const withState: FetchCallback = (request, env) => {
    const bindings: ServerBindings = { shuttingDown: state.shuttingDown };
    return fetch(request, Object.assign(env, bindings));
  };
  const listener = getRequestListener(withState, { errorHandler: rejections.onRequestError });
  server.on("request", (incoming, outgoing) => {
    if (incoming.headers.host === undefined && incoming.httpVersion === "1.0") {
      incoming.headers.host = authorityOf(incoming.socket);
    }
    rejections.track(incoming, () => listener(incoming, outgoing));
  });
  // An `Expect` other than 100-continue, which Node would refuse itself with a bare 417: RFC
  // 9110 lets a server ignore an expectation it does not know, so the request is served.
  server.on("checkExpectation", (incoming, outgoing) => server.emit("request", incoming, outgoing));
  server.on("clientError", rejections.onClientError);
  return server;
}

/**
 * A Host for a request that came without one: HTTP/1.0 needs none (a balancer's health check
 * often sends none), and @hono/node-server refuses a request it cannot make a URL of. The port
 * it came in on; no route builds a URL from the host.
 */
function authorityOf(socket: Socket): string {
  return socket.localPort === undefined ? "localhost" : `localhost:${socket.localPort}`;
}

function listen(server: Server, port: number, hostname?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, hostname, () => {
      server.off("error", reject);
      resolve();
    });
  });
}

function trackInFlight(server: Server, inFlight: Set<ServerResponse>, state: ServerState): void {
  server.on("request", (_request, response: ServerResponse) => {
    // Shutting down: the client's next request goes over a new connection, which a load
    // balancer sends elsewhere; after the grace period, none is left idle to be cut.
    if (state.shuttingDown) response.setHeader("Connection", "close");
    inFlight.add(response);
    response.once("close", () => inFlight.delete(response));
  });
}

interface DrainOptions {
  logger: ServerLogger;
  onShutdownStarted: (() => void | Promise<void>) | undefined;
  onShutdown: (() => void | Promise<void>) | undefined;
  graceMs: number;
  drainTimeoutMs: number;
}

async function drainAndClose(
  server: Server,
  inFlight: Set<ServerResponse>,
  options: DrainOptions,
): Promise<boolean> {
  const { logger, onShutdownStarted, onShutdown, graceMs, drainTimeoutMs } = options;
  const startedAt = performance.now();
  const started = Promise.resolve()
    .then(onShutdownStarted)
    .then(
      () => true,
      (error: unknown) => {
        logger.error("server.on_shutdown_started_failed", { error: describeError(error) });
        return false;
      },
    );
  // Without this, a keep-alive client's socket outlives its last response and close() waits
  // for the keep-alive timeout.
  for (const response of inFlight) {
    if (!response.headersSent) response.setHeader("Connection", "close");
  }
  if (graceMs > 0) await new Promise((resolve) => setTimeout(resolve, graceMs));
  await closeServer(server, drainTimeoutMs, logger);
  let succeeded = await started;
  try {
    await onShutdown?.();
  } catch (error) {
    succeeded = false;
    logger.error("server.on_shutdown_failed", { error: describeError(error) });
  }
  await shutdownTelemetry();
  logger.info("server.shutdown_completed", {
    durationMs: Math.round(performance.now() - startedAt),
  });
  return succeeded;
}

function closeServer(server: Server, drainTimeoutMs: number, logger: ServerLogger): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      logger.error("server.drain_timeout", { drainTimeoutMs });
      server.closeAllConnections();
    }, drainTimeoutMs);
    // close() stops accepting and drops idle keep-alive sockets; the callback fires once the
    // in-flight requests have been answered and their connections closed.
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
