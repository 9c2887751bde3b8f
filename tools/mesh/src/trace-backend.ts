import { type OtlpSink, startOtlpSink } from "@tracemesh/otlp-sink";
import { answersOk } from "./background-program.ts";

/**
 * Traces the local sink keeps, the one updated least recently dropped first. The demo's replay
 * and a run of every script of load/ send some 1,400 (load/replay.json), so a trace id the demo
 * printed still answers after several such runs. A trace of five spans takes about 15 KiB: at
 * most some 150 MB.
 */
const SINK_MAX_TRACES = 10_000;

export interface TraceBackend {
  /** Where services send OTLP/HTTP (OTEL_EXPORTER_OTLP_ENDPOINT). */
  otlpEndpoint: string;
  /** A Jaeger-compatible query API v3 base URL, for `pnpm trace`. */
  queryUrl: string;
  description: string;
  /** Whether its traces are still there once the mesh stops: Jaeger's are, the sink's are not. */
  outlivesMesh: boolean;
  close(): Promise<void>;
}

/**
 * Jaeger when one answers on its query port (traces go to its OTLP port), otherwise the local
 * OTLP sink on 4318 — or on a free port when 4318 is taken by something that is not Jaeger.
 */
export async function openTraceBackend(
  jaegerQueryUrl: string,
  otlpPort: number,
): Promise<TraceBackend> {
  if (await answersOk(new URL("/api/v3/services", jaegerQueryUrl).href)) {
    const otlpEndpoint = `http://127.0.0.1:${otlpPort}`;
    return {
      otlpEndpoint,
      queryUrl: jaegerQueryUrl,
      description: `Jaeger at ${jaegerQueryUrl}`,
      outlivesMesh: true,
      close: async () => {},
    };
  }
  const startSink = (port: number) => startOtlpSink({ port, maxTraces: SINK_MAX_TRACES });
  let sink: OtlpSink;
  try {
    sink = await startSink(otlpPort);
  } catch {
    sink = await startSink(0);
  }
  return {
    otlpEndpoint: sink.url,
    queryUrl: sink.url,
    description: `the local OTLP sink at ${sink.url} (no Jaeger answered at ${jaegerQueryUrl})`,
    outlivesMesh: false,
    close: () => sink.close(),
  };
}
