import { spawnSync } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, readdir } from "node:fs/promises";
import { createServer, request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, killAll, waitFor } from "@tracemesh/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  type FixtureProcess,
  PRELOAD_PATH,
  startItemsServer,
} from "./test-fixtures/fixture-process.ts";
import { type OtlpReceiver, startOtlpReceiver } from "./test-fixtures/otlp-receiver.ts";

// Real processes: `node --import preload-entry.mjs items-server.ts`, exporting to a receiver started here.

const SERVER_KIND = 2;
const CLIENT_KIND = 3;
const TRACEPARENT_SHAPE = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;

function newTraceparent(): { traceId: string; parentId: string; header: string } {
  const traceId = crypto.randomUUID().replaceAll("-", "");
  const parentId = traceId.slice(0, 16);
  return { traceId, parentId, header: `00-${traceId}-${parentId}-01` };
}

function telemetryEnv(receiver: OtlpReceiver, metricsPort: number): Record<string, string> {
  return {
    OTEL_SERVICE_NAME: "items-fixture",
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
    OTEL_BSP_SCHEDULE_DELAY: "50",
    METRICS_PORT: String(metricsPort),
    METRICS_HOST: "127.0.0.1",
  };
}

async function scrape(metricsPort: number): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
  expect(response.status).toBe(200);
  return response.text();
}

describe("preload with a running SDK", () => {
  let receiver: OtlpReceiver;
  let fixture: FixtureProcess;
  let metricsPort: number;
  // What the fixture's outgoing calls reach: 204 to anything.
  const upstream = createServer((_request, response) => response.writeHead(204).end());
  let upstreamUrl: string;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    metricsPort = await freePort();
    upstream.listen(0, "127.0.0.1");
    await once(upstream, "listening");
    upstreamUrl = `http://127.0.0.1:${(upstream.address() as { port: number }).port}`;
    fixture = await startItemsServer({
      ...telemetryEnv(receiver, metricsPort),
      FIXTURE_UPSTREAM_URL: `${upstreamUrl}/search?q=todos&access_token=QUERY-SECRET&page=2`,
      FIXTURE_HIDDEN_URL: `${upstreamUrl}/hooks/T000/PATH-SECRET?sig=QUERY-SECRET-2`,
    });
  });
  afterAll(async () => {
    await fixture?.kill();
    await receiver?.close();
    upstream.close();
  });

  it("exports a SERVER span continuing the caller's trace, named after the route", async () => {
    const caller = newTraceparent();
    const response = await fetch(`${fixture.baseUrl}/items/42`, {
      headers: { traceparent: caller.header },
    });
    expect(response.status).toBe(200);
    const [, responseTraceId, responseSpanId] =
      response.headers.get("traceresponse")?.match(TRACEPARENT_SHAPE) ?? [];
    expect(responseTraceId).toBe(caller.traceId);

    const span = await receiver.waitForSpan(
      (s) => s.traceId === caller.traceId && s.kind === SERVER_KIND,
    );
    expect(span.name).toBe("GET /items/:id");
    expect(span.attributes["http.route"]).toBe("/items/:id");
    expect(span.parentSpanId).toBe(caller.parentId);
    expect(span.spanId).toBe(responseSpanId);
    expect(await response.json()).toEqual({ id: "42", traceId: caller.traceId });
  });

  it("serves route-labelled HTTP metrics, and its scrapes are neither traced nor measured", async () => {
    await scrape(metricsPort);
    const caller = newTraceparent();
    expect(
      (await fetch(`${fixture.baseUrl}/items/7`, { headers: { traceparent: caller.header } }))
        .status,
    ).toBe(200);
    await scrape(metricsPort);
    // Spans leave in end order: once this request's span arrived, any scrape span would have too.
    await receiver.waitForSpan((s) => s.traceId === caller.traceId);

    const metrics = await scrape(metricsPort);
    const counts = metrics
      .split("\n")
      .filter((line) => line.startsWith("http_server_request_duration_count{"));
    expect(counts.length).toBeGreaterThan(0);
    for (const line of counts) expect(line).toContain('http_route="/items/:id"');
    expect(counts.some((line) => /http_response_status_code="200"/.test(line))).toBe(true);
    expect(receiver.spans.filter((s) => s.attributes["server.port"] === metricsPort)).toEqual([]);
    expect(receiver.spans.filter((s) => s.attributes["url.path"] === "/metrics")).toEqual([]);
  });

  it("neither traces nor measures health probes", async () => {
    const probe = newTraceparent();
    const probed = await fetch(`${fixture.baseUrl}/health/live`, {
      headers: { traceparent: probe.header },
    });
    expect(probed.status).toBe(200);
    const caller = newTraceparent();
    await fetch(`${fixture.baseUrl}/items/8`, { headers: { traceparent: caller.header } });
    // Spans leave in end order: once the later request's span arrived, a probe's would have too.
    await receiver.waitForSpan((s) => s.traceId === caller.traceId);
    expect(receiver.spans.filter((s) => s.traceId === probe.traceId)).toEqual([]);
    expect(await scrape(metricsPort)).not.toContain("/health");
  });

  it("traces and measures a path that only starts like a probe's, as the route it reaches", async () => {
    const caller = newTraceparent();
    const status = await getRawPath(fixture.baseUrl, "/health/../items/3", {
      traceparent: caller.header,
    });
    expect(status).toBe(200);
    const span = await receiver.waitForSpan((s) => s.traceId === caller.traceId);
    expect(span.name).toBe("GET /items/:id");
  });

  it("redacts credentials from the URLs of server and client spans", async () => {
    const caller = newTraceparent();
    const response = await fetch(`${fixture.baseUrl}/items/9?password=SERVER-SECRET&sort=title`, {
      headers: { traceparent: caller.header },
    });
    expect(response.status).toBe(200);
    const server = await receiver.waitForSpan((s) => s.traceId === caller.traceId);
    expect(server.attributes["url.query"]).toBe("password=[REDACTED]&sort=title");

    const plain = newTraceparent();
    await fetch(`${fixture.baseUrl}/upstream/plain`, { headers: { traceparent: plain.header } });
    const plainCall = await receiver.waitForSpan(
      (s) => s.traceId === plain.traceId && s.kind === CLIENT_KIND,
    );
    expect(plainCall.attributes).toMatchObject({
      "url.full": `${upstreamUrl}/search?q=todos&access_token=[REDACTED]&page=2`,
      "url.query": "?q=todos&access_token=[REDACTED]&page=2",
    });

    const hidden = newTraceparent();
    await fetch(`${fixture.baseUrl}/upstream/hidden`, { headers: { traceparent: hidden.header } });
    const hiddenCall = await receiver.waitForSpan(
      (s) => s.traceId === hidden.traceId && s.kind === CLIENT_KIND,
    );
    expect(hiddenCall.attributes).toMatchObject({
      "url.full": `${upstreamUrl}/[REDACTED]`,
      "url.path": "/[REDACTED]",
    });
    // Every span of the three calls, every attribute: no secret anywhere.
    const traces = new Set([caller.traceId, plain.traceId, hidden.traceId]);
    const exported = JSON.stringify(receiver.spans.filter((s) => traces.has(s.traceId)));
    expect(exported).not.toMatch(/SECRET/);
  });

  it("leaves unmatched routes unnamed: no span or metric label per unknown path", async () => {
    const caller = newTraceparent();
    expect(
      (await fetch(`${fixture.baseUrl}/nowhere/123`, { headers: { traceparent: caller.header } }))
        .status,
    ).toBe(404);
    const span = await receiver.waitForSpan((s) => s.traceId === caller.traceId);
    expect(span.name).toBe("GET");
    expect(span.attributes["http.route"]).toBeUndefined();
    expect(await scrape(metricsPort)).not.toContain("nowhere");
  });
});

describe("preload at start-up", () => {
  it("turns Node's compile cache on, so a restart finds the modules stripped and compiled", async () => {
    const tmp = await mkdtemp(join(tmpdir(), "preload-cache-"));
    const fixture = await startItemsServer({ TMPDIR: tmp, OTEL_SDK_DISABLED: "true" });
    await fixture.stop();
    // Node's default place for it, under the temporary directory (TMPDIR).
    const entries = await readdir(join(tmp, "node-compile-cache"), { recursive: true });
    expect(entries.length).toBeGreaterThan(10);
  });
});

describe("preload when telemetry cannot work", () => {
  const receivers: OtlpReceiver[] = [];
  afterEach(async () => {
    await killAll();
    for (const receiver of receivers.splice(0)) await receiver.close();
  });

  it("serves requests when the metrics port is already taken, and says so", async () => {
    const squatter = createServer();
    squatter.listen(0, "127.0.0.1");
    await once(squatter, "listening");
    const takenPort = (squatter.address() as { port: number }).port;
    try {
      const receiver = await startOtlpReceiver();
      receivers.push(receiver);
      const fixture = await startItemsServer(telemetryEnv(receiver, takenPort));

      const response = await fetch(`${fixture.baseUrl}/items/1`);
      expect(response.status).toBe(200);
      const failure = await fixture.waitForLine("telemetry.metrics_unavailable");
      expect(failure).toMatchObject({ level: "error", metricsPort: takenPort });
      // Traces still flow: only the metrics endpoint is lost.
      const traceId = response.headers.get("traceresponse")?.split("-")[1];
      await receiver.waitForSpan((s) => s.traceId === traceId);
    } finally {
      squatter.close();
    }
  });

  it("serves requests with the collector down, logs the export failure, exits cleanly", async () => {
    const deadCollector = `http://127.0.0.1:${await freePort()}`;
    const fixture = await startItemsServer({
      OTEL_EXPORTER_OTLP_ENDPOINT: deadCollector,
      OTEL_EXPORTER_OTLP_TIMEOUT: "500",
      OTEL_BSP_SCHEDULE_DELAY: "50",
      METRICS_PORT: String(await freePort()),
      METRICS_HOST: "127.0.0.1",
    });
    for (const id of ["1", "2", "3"]) {
      expect((await fetch(`${fixture.baseUrl}/items/${id}`)).status).toBe(200);
    }
    const failure = await fixture.waitForLine("telemetry.diagnostic");
    expect(failure).toMatchObject({
      level: "error",
      message: expect.stringMatching(/ECONNREFUSED|timeout/i),
    });
    expect(await fixture.stop()).toEqual([0, null]);
  });

  it("starts nothing with OTEL_SDK_DISABLED=true, and serves", async () => {
    const receiver = await startOtlpReceiver();
    receivers.push(receiver);
    const metricsPort = await freePort();
    const fixture = await startItemsServer({
      ...telemetryEnv(receiver, metricsPort),
      OTEL_SDK_DISABLED: "true",
    });

    const caller = newTraceparent();
    const response = await fetch(`${fixture.baseUrl}/items/5`, {
      headers: { traceparent: caller.header },
    });
    expect(response.status).toBe(200);
    // requestContext falls back to the incoming traceparent: bodies and logs keep the trace id.
    expect(response.headers.get("traceresponse")).toMatch(new RegExp(`^00-${caller.traceId}-`));
    await expect(fetch(`http://127.0.0.1:${metricsPort}/metrics`)).rejects.toThrow();
    // A graceful stop flushes what a running SDK holds (shutdownTelemetry) before the process
    // exits: once it has, no span can still be on its way.
    expect(await fixture.stop()).toEqual([0, null]);
    expect(receiver.spansPerExport()).toEqual([]);
  });
});

describe("span export batching", () => {
  let fixture: FixtureProcess | undefined;
  let receiver: OtlpReceiver | undefined;
  afterEach(async () => {
    await fixture?.kill();
    await receiver?.close();
  });

  // A minute's delay keeps the timer out of it: spans leave only as full batches.
  async function spansPerExportAfter(requests: number, env: Record<string, string> = {}) {
    receiver = await startOtlpReceiver();
    const running = await startItemsServer({
      ...telemetryEnv(receiver, await freePort()),
      OTEL_BSP_SCHEDULE_DELAY: "60000",
      ...env,
    });
    fixture = running;
    for (let sent = 0; sent < requests; sent += 10) {
      await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          fetch(`${running.baseUrl}/items/${sent + i}`).then((response) => response.text()),
        ),
      );
    }
    return receiver;
  }

  it("sends spans 64 at a time, so no export holds a busy service for long", async () => {
    const received = await spansPerExportAfter(150);
    await waitFor(() => received.spans.length >= 128, "two batches of spans");
    expect(received.spansPerExport()).toEqual([64, 64]);
  });

  it("sends the batch size OTEL_BSP_MAX_EXPORT_BATCH_SIZE sets", async () => {
    const received = await spansPerExportAfter(150, { OTEL_BSP_MAX_EXPORT_BATCH_SIZE: "100" });
    await waitFor(() => received.spans.length >= 100, "a batch of spans");
    expect(received.spansPerExport()).toEqual([100]);
  });
});

describe("preload configuration", () => {
  it("exits 1 with one fatal line naming a bad variable, before the service starts", () => {
    const result = spawnSync(
      process.execPath,
      ["--import", PRELOAD_PATH, "--eval", 'console.log("service started")'],
      { env: { PATH: process.env.PATH, METRICS_PORT: "metrics" }, encoding: "utf8" },
    );
    expect(result.status).toBe(1);
    const lines = result.stdout.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? "")).toMatchObject({
      level: "fatal",
      event: "config.invalid",
      variable: "METRICS_PORT",
    });
  });
});

describe("graceful shutdown", () => {
  let fixture: FixtureProcess | undefined;
  let receiver: OtlpReceiver | undefined;
  afterEach(async () => {
    await fixture?.kill();
    await receiver?.close();
  });

  it("on SIGTERM stops accepting, finishes the in-flight request, runs onShutdown, flushes spans, exits 0", async () => {
    receiver = await startOtlpReceiver();
    const { OTEL_BSP_SCHEDULE_DELAY: _, ...env } = telemetryEnv(receiver, await freePort());
    // Default batch delay (5 s): the slow request's span can only arrive through the exit flush.
    fixture = await startItemsServer(env);
    const running = fixture;
    const caller = newTraceparent();
    // fetch keeps the connection alive, like real clients.
    const slow = fetch(`${running.baseUrl}/slow?ms=1500`, {
      headers: { traceparent: caller.header },
    });
    await running.waitForLine("fixture.slow_started");
    const stopped = running.stop();
    await running.waitForLine("server.shutdown_started");

    // Refused, or reset when the connection reached the backlog just before the listener closed
    // (the line is written a moment before close()): either way no new request is served.
    await expect(getWithoutKeepAlive(`${running.baseUrl}/items/1`)).rejects.toThrow(
      /ECONNREFUSED|ECONNRESET/,
    );
    const response = await slow;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ done: true });
    const answeredAt = Date.now();

    expect(await stopped).toEqual([0, null]);
    // The keep-alive socket must not hold the exit until its idle timeout.
    expect(Date.now() - answeredAt).toBeLessThan(2000);
    const events = running.lines.map((line) => line.event);
    expect(events.indexOf("fixture.on_shutdown")).toBeGreaterThan(
      events.indexOf("server.shutdown_started"),
    );
    expect(events).toContain("server.shutdown_completed");
    expect(receiver.spans.find((s) => s.traceId === caller.traceId)?.name).toBe("GET /slow");
  });
});

function getWithoutKeepAlive(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    httpRequest(url, { agent: false }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    })
      .on("error", reject)
      .end();
  });
}

/** A GET of `path` exactly as given: fetch and URL would resolve its dot segments first. */
function getRawPath(
  baseUrl: string,
  path: string,
  headers: Record<string, string>,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(baseUrl);
    httpRequest({ hostname, port, path, headers, agent: false }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    })
      .on("error", reject)
      .end();
  });
}
