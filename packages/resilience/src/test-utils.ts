import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { DependencyError } from "@tracemesh/errors";
import type { RecordingMeter } from "@tracemesh/testing";
import { afterEach, beforeEach, expect } from "vitest";
import {
  createDependencyClient,
  type DependencyClient,
  type DependencyClientOptions,
} from "./dependency-client.ts";

export interface UpstreamHit {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** performance.now() when the request was read. */
  at: number;
}

/** How the upstream answers a hit; it may also never answer (a hang). */
export type Behaviour = (hit: UpstreamHit, res: ServerResponse) => void;

export interface Upstream {
  url: string;
  hits: UpstreamHit[];
  behave(behaviour: Behaviour): void;
  close(): Promise<void>;
}

/** Answers with a status, a JSON body and headers. */
export function reply(
  status: number,
  body?: unknown,
  headers: Record<string, string> = {},
): Behaviour {
  return (_hit, res) => {
    const payload =
      body === undefined ? "" : typeof body === "string" ? body : JSON.stringify(body);
    const type = typeof body === "string" ? "text/plain" : "application/json";
    res.writeHead(status, { "content-type": type, ...headers }).end(payload);
  };
}

/** Never answers: the client has to give up on its own. */
export const hang: Behaviour = () => {};

/** Answers after `ms`, unless the client hung up first. */
export function slow(ms: number, then: Behaviour): Behaviour {
  return (hit, res) => {
    const timer = setTimeout(() => then(hit, res), ms);
    res.on("close", () => clearTimeout(timer));
  };
}

/** The behaviours in turn, the last one for every hit after. */
export function sequence(...behaviours: Behaviour[]): Behaviour {
  let next = 0;
  return (hit, res) => {
    const behaviour = behaviours[Math.min(next, behaviours.length - 1)];
    next += 1;
    behaviour?.(hit, res);
  };
}

export interface EndlessStream {
  behaviour: Behaviour;
  /** Bytes written to the socket so far. */
  sent(): number;
  /** Whether the client hung up before the body ended (it never ends). */
  cutOff(): boolean;
}

/** A 200 whose chunked JSON body never ends: sent as fast as the client reads it. */
export function endlessBody(): EndlessStream {
  const chunk = Buffer.alloc(64 * 1024, "a");
  let sent = 0;
  let cutOff = false;
  const behaviour: Behaviour = (_hit, res: ServerResponse) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.on("close", () => {
      cutOff = true;
    });
    const pump = () => {
      while (!res.destroyed) {
        sent += chunk.length;
        if (!res.write(chunk)) return;
      }
    };
    res.on("drain", pump);
    res.write('{"padding":"');
    pump();
  };
  return { behaviour, sent: () => sent, cutOff: () => cutOff };
}

/** A real HTTP server on a free port whose behaviour the test sets, recording every hit. */
export async function startUpstream(
  initial: Behaviour = reply(200, { ok: true }),
): Promise<Upstream> {
  let behaviour = initial;
  const hits: UpstreamHit[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const hit = {
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        at: performance.now(),
      };
      hits.push(hit);
      behaviour(hit, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    behave: (next) => {
      behaviour = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A fresh upstream for each test of the calling file: started before each test with `initial`,
 * closed after it. The handle stands for the current test's upstream.
 */
export function upstreamPerTest(initial?: Behaviour): Upstream {
  let current: Upstream | undefined;
  beforeEach(async () => {
    current = await startUpstream(initial);
  });
  afterEach(() => current?.close());
  const live = (): Upstream => {
    if (current === undefined) throw new Error("the upstream exists only during a test");
    return current;
  };
  return {
    get url() {
      return live().url;
    },
    get hits() {
      return live().hits;
    },
    behave: (behaviour) => live().behave(behaviour),
    close: () => live().close(),
  };
}

export type ClientOverrides = Partial<DependencyClientOptions>;

/** `client(overrides)`: a client named auth of `upstream`, with a test file's defaults. */
export function clientFactory(
  upstream: Upstream,
  defaults: ClientOverrides,
): (overrides?: ClientOverrides) => DependencyClient {
  return (overrides = {}) =>
    createDependencyClient({ name: "auth", baseUrl: upstream.url, ...defaults, ...overrides });
}

/** The error a call fails with; fails the test when the call succeeds. */
export async function failureOf(call: Promise<unknown>): Promise<unknown> {
  try {
    await call;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to fail, it succeeded");
}

/** The outcome of each attempt a recording meter saw, in order. */
export function attemptOutcomes(recording: RecordingMeter): unknown[] {
  return recording.measurements
    .filter((m) => m.name === "tracemesh.dependency.attempt.duration")
    .map((m) => m.attributes.outcome);
}

/** The 503 a failure of auth's becomes: its own fault, not the caller's deadline. */
export function expectAuthUnavailable(error: unknown): void {
  expect(error).toBeInstanceOf(DependencyError);
  expect(error).toMatchObject({
    status: 503,
    code: "SERVICE_UNAVAILABLE",
    dependency: "auth",
    deadlineExceeded: false,
  });
}
