import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { createSinkApp } from "./app.ts";
import type { FlatSpan } from "./flat-span.ts";
import type { OtlpReceiverOptions } from "./otlp-receiver-routes.ts";
import { createSpanStore, type SpanStoreOptions } from "./span-store.ts";
import { waitForSpans } from "./wait-for-spans.ts";

export interface OtlpSinkOptions extends SpanStoreOptions, OtlpReceiverOptions {
  /** 0 picks a free port. @default 0 */
  port?: number;
  /** @default "127.0.0.1" */
  host?: string;
}

/** A running sink, for tests: where to send spans, and what it received. */
export interface OtlpSink {
  /** Base URL, e.g. `http://127.0.0.1:40123`; OTLP goes to `${url}/v1/traces`. */
  url: string;
  port: number;
  spans(): FlatSpan[];
  trace(traceId: string): FlatSpan[];
  waitForSpans(
    predicate: (span: FlatSpan) => boolean,
    timeoutMs?: number,
    count?: number,
  ): Promise<FlatSpan[]>;
  /** Forgets every span received so far. */
  clear(): void;
  close(): Promise<void>;
}

/** Starts an OTLP/HTTP sink with the Jaeger v3 query API on a (by default free) local port. */
export function startOtlpSink(options: OtlpSinkOptions = {}): Promise<OtlpSink> {
  const { port = 0, host = "127.0.0.1", ...rest } = options;
  const store = createSpanStore(rest);
  const app = createSinkApp(store, rest);
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port, hostname: host }, (info: AddressInfo) => {
      server.off("error", reject);
      const urlHost = info.family === "IPv6" ? `[${info.address}]` : info.address;
      resolve({
        url: `http://${urlHost}:${info.port}`,
        port: info.port,
        spans: () => store.spans(),
        trace: (traceId) => store.trace(traceId),
        waitForSpans: (predicate, timeoutMs, count) =>
          waitForSpans(store, predicate, timeoutMs, count),
        clear: () => store.clear(),
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((error) => (error ? fail(error) : done()));
            // Exporters keep connections alive; do not wait for them to go idle.
            if ("closeAllConnections" in server) server.closeAllConnections();
          }),
      });
    });
    server.once("error", reject);
  });
}
