import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import {
  type JetStreamClient,
  type JetStreamManager,
  jetstream,
  jetstreamManager,
} from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { context, metrics, propagation, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import {
  CompositePropagator,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from "@opentelemetry/core";
import { MeterProvider, MetricReader } from "@opentelemetry/sdk-metrics";
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  TracerProvider,
} from "@opentelemetry/sdk-trace";
import { createLogger } from "@tracemesh/logger";
import type { OutboxRecord, OutboxSource } from "./outbox-relay.ts";
import type { QueueLogger } from "./queue-logger.ts";

/** The shared NATS server of `*.nats.test.ts`: a test fails (never skips) when it is absent. */
export const NATS_URL = process.env.NATS_URL ?? "127.0.0.1:4222";
export const NATS_SERVER_BIN = process.env.NATS_SERVER_BIN ?? "/usr/sbin/nats-server";

class CollectingMetricReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

export interface TestTelemetry {
  spans: InMemorySpanExporter;
  reader: MetricReader;
}

let telemetry: TestTelemetry | undefined;

/** Registers an in-memory tracer, a metric reader, AsyncLocalStorage and W3C propagators once. */
export function useTestTelemetry(): TestTelemetry {
  if (telemetry) return telemetry;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(
    new CompositePropagator({
      propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
    }),
  );
  const spans = new InMemorySpanExporter();
  trace.setGlobalTracerProvider(
    new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: spans })] }),
  );
  const reader = new CollectingMetricReader();
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
  telemetry = { spans, reader };
  return telemetry;
}

/** The sum of a counter's (or the value of a gauge's) data points whose attributes include `match`. */
export async function metricValue(
  reader: MetricReader,
  name: string,
  match: Record<string, unknown> = {},
): Promise<number> {
  const { resourceMetrics } = await reader.collect();
  let total = 0;
  for (const scope of resourceMetrics.scopeMetrics) {
    for (const metric of scope.metrics) {
      if (metric.descriptor.name !== name) continue;
      for (const point of metric.dataPoints) {
        const matches = Object.entries(match).every(
          ([key, value]) => point.attributes[key] === value,
        );
        if (matches && typeof point.value === "number") total += point.value;
      }
    }
  }
  return total;
}

export function spansNamed(spans: InMemorySpanExporter, name: string): ReadableSpan[] {
  return spans.getFinishedSpans().filter((span) => span.name === name);
}

/** Unique names so parallel test files never share a stream, subject or consumer. */
export function testTopology() {
  const id = randomUUID().replaceAll("-", "").slice(0, 10);
  return {
    stream: `T_${id.toUpperCase()}`,
    deadLetterStream: `T_${id.toUpperCase()}_DLQ`,
    subjectPrefix: `t${id}.events`,
    deadLetterSubjectPrefix: `t${id}.dlq`,
    consumer: `c_${id}`,
    bucket: `processed_${id}`,
  };
}

export interface NatsTestContext {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
}

export async function connectNats(servers: string = NATS_URL): Promise<NatsTestContext> {
  const nc = await connect({ servers, reconnectTimeWait: 100, maxReconnectAttempts: -1 });
  return { nc, js: jetstream(nc), jsm: await jetstreamManager(nc) };
}

export async function deleteStreams(jsm: JetStreamManager, names: string[]): Promise<void> {
  for (const name of names) await jsm.streams.delete(name).catch(() => false);
}

export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  what = "condition",
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A logger writing JSON lines into an array, the way services log. */
export function recordingLogger(): { logger: QueueLogger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n")) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: createLogger({ service: "queue-test", level: "debug", stream }), lines };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

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

export interface PrivateNatsServer {
  url: string;
  /** Starts (or restarts) the server on the same port and store directory. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Stops the server and removes its store. */
  dispose(): Promise<void>;
}

/** A nats-server with JetStream of this test's own, on a free port, that the test can stop. */
export async function privateNatsServer(): Promise<PrivateNatsServer> {
  const port = await freePort();
  const storeDir = await mkdtemp(join(tmpdir(), "tracemesh-nats-"));
  let child: ChildProcess | undefined;
  const server: PrivateNatsServer = {
    url: `127.0.0.1:${port}`,
    async start() {
      const args = ["-a", "127.0.0.1", "-p", String(port), "-js", "-sd", storeDir];
      child = spawn(NATS_SERVER_BIN, args, { stdio: "ignore" });
      const exited = new Promise<never>((_, reject) =>
        child?.once("exit", (code) => reject(new Error(`nats-server exited with ${code}`))),
      );
      exited.catch(() => {});
      await Promise.race([waitFor(() => accepts(port), 10_000, "nats-server to listen"), exited]);
    },
    async stop() {
      const running = child;
      child = undefined;
      if (!running || running.exitCode !== null) return;
      const exited = new Promise((resolve) => running.once("exit", resolve));
      running.kill("SIGTERM");
      await exited;
    },
    async dispose() {
      await server.stop();
      await rm(storeDir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}

/** An OutboxSource over an array, as todo-api's SQL table behaves for one relay. */
export function memoryOutbox(records: OutboxRecord[] = []) {
  const published = new Set<string>();
  const markCalls: string[][] = [];
  const source: OutboxSource = {
    async claimPending(limit) {
      return records.filter((record) => !published.has(record.id)).slice(0, limit);
    },
    async markPublished(ids) {
      markCalls.push(ids);
      for (const id of ids) published.add(id);
    },
  };
  return { source, records, published, markCalls };
}
