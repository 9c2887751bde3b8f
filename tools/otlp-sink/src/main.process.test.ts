import { fileURLToPath } from "node:url";
import { killAll, startNodeProcess } from "@tracemesh/testing";
import { afterEach, describe, expect, it } from "vitest";
import { otlpJsonRequest, ROOT_SPAN_ID, TRACE_ID } from "./test-utils.ts";

const MAIN = fileURLToPath(new URL("./main.ts", import.meta.url));

afterEach(killAll);

function startMain(env: Record<string, string>) {
  return startNodeProcess([MAIN], { env, name: "otlp-sink" });
}

describe("main", () => {
  it("serves on PORT, keeps spans, and exits 0 on SIGTERM", async () => {
    const sink = startMain({ PORT: "0" });
    const listening = await sink.waitForLine("sink.listening");
    expect(sink.lines[0]).toBe(listening);
    expect(listening).toMatchObject({ level: "info", service: "otlp-sink" });
    const url = String(listening.url);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const posted = await fetch(`${url}/v1/traces`, {
      method: "POST",
      body: JSON.stringify(otlpJsonRequest({ traceId: TRACE_ID, spanId: ROOT_SPAN_ID })),
      headers: { "content-type": "application/json" },
    });
    const trace = await fetch(`${url}/api/v3/traces/${TRACE_ID}`);
    const stopped = sink.stop();

    expect(posted.status).toBe(200);
    expect(trace.status).toBe(200);
    expect(await stopped).toEqual([0, null]);
  });

  it("exits 1 with one fatal line naming a bad variable", async () => {
    const sink = startMain({ PORT: "not-a-port" });

    expect(await sink.exited).toEqual([1, null]);
    expect(sink.lines[0]).toMatchObject({
      level: "fatal",
      event: "config.invalid",
      message: expect.stringMatching(/^invalid PORT: /),
    });
  });
});
