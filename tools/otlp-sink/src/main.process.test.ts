import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { otlpJsonRequest, ROOT_SPAN_ID, TRACE_ID } from "./test-utils.ts";

const MAIN = fileURLToPath(new URL("./main.ts", import.meta.url));
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

function startMain(env: Record<string, string>) {
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const nextLine = async (): Promise<Record<string, unknown>> => {
    const { value, done } = await lines.next();
    if (done) throw new Error("the sink exited without logging");
    return JSON.parse(value);
  };
  return { child, nextLine };
}

describe("main", () => {
  it("serves on PORT, keeps spans, and exits 0 on SIGTERM", async () => {
    const { child, nextLine } = startMain({ PORT: "0" });
    const listening = await nextLine();
    expect(listening).toMatchObject({
      level: "info",
      service: "otlp-sink",
      event: "sink.listening",
    });
    const url = String(listening.url);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const posted = await fetch(`${url}/v1/traces`, {
      method: "POST",
      body: JSON.stringify(otlpJsonRequest({ traceId: TRACE_ID, spanId: ROOT_SPAN_ID })),
      headers: { "content-type": "application/json" },
    });
    const trace = await fetch(`${url}/api/v3/traces/${TRACE_ID}`);
    const exited = once(child, "exit");
    child.kill("SIGTERM");

    expect(posted.status).toBe(200);
    expect(trace.status).toBe(200);
    expect(await exited).toEqual([0, null]);
  });

  it("exits 1 with one fatal line naming a bad variable", async () => {
    const { child, nextLine } = startMain({ PORT: "not-a-port" });
    const exited = once(child, "exit");

    expect(await nextLine()).toMatchObject({
      level: "fatal",
      event: "config.invalid",
      message: expect.stringMatching(/^invalid PORT: /),
    });
    expect(await exited).toEqual([1, null]);
  });
});
