import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";
import { reservePort } from "./local-port.ts";
import { REPO_ROOT } from "./repo-paths.ts";
import { openTraceBackend } from "./trace-backend.ts";

interface Replay {
  crud: { requestsPerSecond: number };
  phases: { seconds: number; errorsPerSecond?: number }[];
}

/** A replay's requests, each a trace of its own: its CRUD all along, plus its GET /error. */
function tracesOf(replay: Replay): number {
  const seconds = replay.phases.reduce((sum, phase) => sum + phase.seconds, 0);
  const errors = replay.phases.reduce(
    (sum, phase) => sum + phase.seconds * (phase.errorsPerSecond ?? 0),
    0,
  );
  return Math.ceil(replay.crud.requestsPerSecond * seconds + errors);
}

/** One OTLP/JSON export of one single-span trace per id. */
function exportOf(traceIds: string[]) {
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: "service.name", value: { stringValue: "todo-api" } }] },
        scopeSpans: [
          {
            spans: traceIds.map((traceId, n) => ({
              traceId,
              spanId: (n + 1).toString(16).padStart(16, "0"),
              name: "GET /v1/todos",
              kind: 2,
              startTimeUnixNano: String(1_700_000_000_000_000_000n + BigInt(n)),
              endTimeUnixNano: String(1_700_000_000_000_000_000n + BigInt(n + 1)),
            })),
          },
        ],
      },
    ],
  };
}

test("without Jaeger, the demo's traces outlast its replay and a run of every load script", async () => {
  const replays = JSON.parse(readFileSync(join(REPO_ROOT, "load/replay.json"), "utf8")) as {
    incident: Replay;
    outage: Replay;
  };
  // pnpm demo replays the incident; then load/incident.js does again, load/outage.js its own, and
  // load/smoke.js a few requests more.
  const afterwards = 2 * tracesOf(replays.incident) + tracesOf(replays.outage) + 50;
  const noJaeger = `http://127.0.0.1:${await reservePort(0)}`;
  const backend = await openTraceBackend(noJaeger, 0);
  try {
    const send = async (traceIds: string[]) => {
      const response = await fetch(`${backend.otlpEndpoint}/v1/traces`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(exportOf(traceIds)),
      });
      expect(response.status).toBe(200);
    };
    const printed = "0123456789abcdef0123456789abcdef";
    await send([printed]);
    const later = Array.from({ length: afterwards }, (_, n) =>
      (n + 1).toString(16).padStart(32, "0"),
    );
    for (let at = 0; at < later.length; at += 500) await send(later.slice(at, at + 500));

    const response = await fetch(`${backend.queryUrl}/api/v3/traces/${printed}`);
    expect(response.status).toBe(200);
  } finally {
    await backend.close();
  }
});
