import { describe, expect, test } from "vitest";
import { printJourney } from "./print-journey.ts";
import type { ObservedResponse } from "./replay-incident.ts";
import { traceIdOfResponse } from "./todo-journey.ts";

const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
const created: ObservedResponse = {
  method: "POST",
  path: "/v1/todos",
  phase: "baseline",
  status: 201,
  headers: new Headers({ traceresponse: `00-${TRACE_ID}-00f067aa0ba902b7-01` }),
  body: {},
};

function print(report: Parameters<typeof printJourney>[0]): string {
  const lines: string[] = [];
  printJourney(report, "http://127.0.0.1:4318", (text) => lines.push(text));
  return lines.join("\n");
}

describe("traceIdOfResponse", () => {
  test("reads the trace id of a W3C traceresponse header", () => {
    expect(traceIdOfResponse(created)).toBe(TRACE_ID);
  });

  test("is undefined without a well-formed header", () => {
    const headers = new Headers({ traceresponse: "00-nothex-00f067aa0ba902b7-01" });
    expect(traceIdOfResponse({ ...created, headers })).toBeUndefined();
    expect(traceIdOfResponse({ ...created, headers: new Headers() })).toBeUndefined();
  });
});

describe("printJourney", () => {
  test("says why it was skipped", () => {
    expect(print({ skipped: "no NATS: none" })).toContain("(skipped: no NATS: none)");
  });

  test("prints the delivery line and the time from the event to it", () => {
    const delivered = {
      timestamp: "2026-11-25T10:00:00.250Z",
      event: "notification.delivered",
      traceId: TRACE_ID,
      notification: { time: "2026-11-25T10:00:00.100Z" },
    };
    const journey = { created, traceId: TRACE_ID, delivered, trace: undefined, waitedMs: 5 };
    const output = print({ journey, notifierLogFile: "notifier.log" });
    expect(output).toContain("delivered it 150 ms after the event was written");
    expect(output).toContain(JSON.stringify(delivered));
    expect(output).toContain(`(trace ${TRACE_ID} not exported yet)`);
  });

  test("says no delivery came in time, and where to look", () => {
    const journey = {
      created,
      traceId: TRACE_ID,
      delivered: undefined,
      trace: undefined,
      waitedMs: 15_040,
    };
    const output = print({ journey, notifierLogFile: "/tmp/notifier.log" });
    expect(output).toContain("no delivery seen within 15 s");
    expect(output).toContain("/tmp/notifier.log");
    expect(output).not.toContain("pnpm trace");
  });
});
