import { join } from "node:path";
import { login } from "@tracemesh/demo";
import {
  answersOk,
  type Mesh,
  REPO_ROOT,
  readDemoSecrets,
  reservePort,
  startBackgroundProgram,
  startMesh,
} from "@tracemesh/mesh";
import { freeMeshPorts } from "@tracemesh/mesh/testing";

/** A mesh to measure, with alice's token for its /v1 requests. */
export interface BenchMesh {
  mesh: Mesh;
  token: string;
}

/**
 * The OTLP sink as a process of its own, so that receiving spans costs the services' machine
 * what a collector would, not the bench's event loop. Returns its URL.
 */
export async function startTraceSink(
  dataDir: string,
): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await reservePort(0);
  const url = `http://127.0.0.1:${port}`;
  const sink = await startBackgroundProgram({
    name: "otlp sink",
    binary: process.execPath,
    args: [join(REPO_ROOT, "tools/otlp-sink/src/main.ts")],
    env: { PORT: String(port) },
    logFile: join(dataDir, "otlp-sink.log"),
    isReady: () => answersOk(`${url}/api/v3/services`),
  });
  return { url, stop: sink.stop };
}

/**
 * The three services and a private NATS on free ports, sending traces to `traceSinkUrl`
 * (which answers Jaeger's query API, so the mesh takes it for a Jaeger), without Prometheus.
 * `telemetry: false` runs every service with OTEL_SDK_DISABLED=true; todo-api keeps its data in
 * PGlite unless `databaseUrl` names a PostgreSQL database.
 */
export async function startBenchMesh(options: {
  dataDir: string;
  traceSinkUrl: string;
  telemetry: boolean;
  searchPath: string;
  databaseUrl?: string;
}): Promise<BenchMesh> {
  const ports = { ...(await freeMeshPorts()), otlp: Number(new URL(options.traceSinkUrl).port) };
  const mesh = await startMesh({
    ports,
    dataDir: options.dataDir,
    natsUrl: "nats://127.0.0.1:4222",
    natsMode: "private",
    jaegerQueryUrl: options.traceSinkUrl,
    searchPath: options.searchPath,
    inheritedEnv: {
      PATH: options.searchPath,
      // The inspector stays closed until memory-growth.ts opens it (SIGUSR1) to collect garbage.
      NODE_OPTIONS: "--inspect-port=0",
      // The access log at info writes a line a request in production too: kept, as measured.
      ...(options.telemetry ? {} : { OTEL_SDK_DISABLED: "true" }),
      // alice logs in once per mesh: her token lasts auth's longest (a day), not its default 15
      // minutes, which a run with more rounds or longer cells outlasted in the middle of a cell.
      TOKEN_TTL_SECONDS: "86400",
      ...(options.databaseUrl === undefined ? {} : { DATABASE_URL: options.databaseUrl }),
    },
    secrets: readDemoSecrets(),
    alerting: "off",
  });
  const token = await login(mesh.urls.auth, "alice", "alice-demo-password");
  return { mesh, token };
}
