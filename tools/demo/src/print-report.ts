import type { LogLine } from "@tracemesh/mesh";
import { renderTrace } from "@tracemesh/trace";
import type { TraceSpan } from "@tracemesh/trace-query";
import { type JourneyReport, printJourney } from "./print-journey.ts";
import type { IncidentResult, ObservedResponse } from "./replay-incident.ts";
import { traceCommand } from "./trace-command.ts";

export interface DemoReport {
  incident: IncidentResult;
  /** The failing request's, from its body. */
  traceId: string | undefined;
  /** The failing request's log line(s), found by its traceId. */
  logLines: LogLine[];
  trace: TraceSpan[] | undefined;
  metrics: string[];
  metricsUrl: string;
  /** Section 6: one created todo followed through NATS to the notifier. */
  journey: JourneyReport;
  /** Where the trace backend answers, for the `pnpm trace` commands the report prints. */
  traceQueryUrl: string;
}

const indent = (text: string, prefix = "   ") =>
  text
    .split("\n")
    .map((line) => `${prefix}${line}`)
    .join("\n");

function tally(responses: ObservedResponse[]): string {
  const byClass = new Map<string, number>();
  for (const { status } of responses) {
    const key = status === 0 ? "no answer" : `${Math.floor(status / 100)}xx`;
    byClass.set(key, (byClass.get(key) ?? 0) + 1);
  }
  const failures = responses.filter((r) => r.status >= 500).length;
  const rate = responses.length === 0 ? 0 : (failures / responses.length) * 100;
  const counts = [...byClass]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, count]) => `${key}: ${count}`)
    .join("   ");
  return `${String(responses.length).padStart(4)} requests   ${counts}   5xx rate ${rate.toFixed(0)}%`;
}

/** One line a phase, in the replay's order. */
function phaseTallies(incident: IncidentResult): string {
  const phases = [...new Set(incident.responses.map((r) => r.phase))];
  return phases
    .map((phase) => {
      const responses = incident.responses.filter((r) => r.phase === phase);
      return `   ${phase.padEnd(9)} ${tally(responses)}`;
    })
    .join("\n");
}

/** Keeps the first frames of a logged stack: enough to see where it broke, short enough to read. */
function shortenStack(line: LogLine): LogLine {
  const error = line.error as { stack?: string } | undefined;
  if (!error?.stack) return line;
  const frames = error.stack.split("\n");
  const stack = frames.length > 3 ? [...frames.slice(0, 3), "    …"].join("\n") : error.stack;
  return { ...line, error: { ...error, stack } };
}

/** Sections 1 to 6: one failing request through body, headers, logs, trace, metrics; a todo across the queue. */
export function printReport(report: DemoReport, write: (text: string) => void): void {
  const { incident, traceId, logLines, trace, metrics, metricsUrl, journey, traceQueryUrl } =
    report;
  const failing = incident.failing;
  write(`\n1. Replayed the incident (load/replay.json): ${tally(incident.responses).trim()}`);
  write(phaseTallies(incident));
  if (!failing) return;
  write(`\n2. What the client saw for ${failing.method} ${failing.path}: HTTP ${failing.status}`);
  write(indent(`traceresponse: ${failing.headers.get("traceresponse")}`));
  write(indent(`x-request-id:  ${failing.headers.get("x-request-id")}`));
  write(indent(JSON.stringify(failing.body, null, 2)));
  write(`\n3. The same traceId in the service's log (the stack stays server-side):`);
  write(
    logLines.length > 0
      ? indent(logLines.map((line) => JSON.stringify(shortenStack(line))).join("\n"))
      : indent("(no log line carried it: check the service's log file)"),
  );
  write(`\n4. The same traceId in the exported trace:`);
  write(
    indent(
      trace
        ? renderTrace(trace)
        : `(not exported yet: run \`${traceCommand(traceId ?? "<traceId>", traceQueryUrl)}\` in a few seconds)`,
    ),
  );
  write(`\n5. The same failures in the metrics (${metricsUrl}):`);
  write(indent(metrics.length > 0 ? metrics.join("\n") : "(no samples yet)"));
  printJourney(journey, traceQueryUrl, write);
}
