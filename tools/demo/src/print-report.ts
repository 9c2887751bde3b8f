import { renderTrace, type TraceSpan } from "@tracemesh/trace";
import { type JourneyReport, printJourney } from "./print-journey.ts";
import type { IncidentResult } from "./replay-incident.ts";
import type { LogLine } from "./service-process.ts";

export interface DemoReport {
  incident: IncidentResult;
  /** The failing request's log line(s), found by its traceId. */
  logLines: LogLine[];
  trace: TraceSpan[] | undefined;
  metrics: string[];
  metricsUrl: string;
  /** Section 6: one created todo followed through NATS to the notifier. */
  journey: JourneyReport;
}

const indent = (text: string, prefix = "   ") =>
  text
    .split("\n")
    .map((line) => `${prefix}${line}`)
    .join("\n");

function statusTally(incident: IncidentResult): string {
  const byClass = new Map<string, number>();
  for (const { status } of incident.responses) {
    const key = `${Math.floor(status / 100)}xx`;
    byClass.set(key, (byClass.get(key) ?? 0) + 1);
  }
  const failures = incident.responses.filter((r) => r.status >= 500).length;
  const rate = ((failures / incident.responses.length) * 100).toFixed(0);
  const tally = [...byClass].map(([key, count]) => `${key}: ${count}`).join("   ");
  return `${incident.responses.length} requests   ${tally}   5xx rate ${rate}%`;
}

/** Keeps the first frames of a logged stack: enough to see where it broke, short enough to read. */
function shortenStack(line: LogLine): LogLine {
  const error = line.error as { stack?: string } | undefined;
  if (!error?.stack) return line;
  const frames = error.stack.split("\n");
  const stack = frames.length > 3 ? [...frames.slice(0, 3), "    …"].join("\n") : error.stack;
  return { ...line, error: { ...error, stack } };
}

/** Writes what the demo saw: one failing request followed through body, headers, logs, trace, metrics. */
export function printReport(report: DemoReport, write: (text: string) => void): void {
  const { incident, logLines, trace, metrics, metricsUrl, journey } = report;
  const failing = incident.failing;
  write(`\n1. Replayed the incident: ${statusTally(incident)}`);
  if (!failing) return;
  const body = failing.body as { traceId?: string };
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
    indent(trace ? renderTrace(trace) : "(not exported yet: run `pnpm trace` in a few seconds)"),
  );
  write(`\n5. The same failures in the metrics (${metricsUrl}):`);
  write(indent(metrics.length > 0 ? metrics.join("\n") : "(no samples yet)"));
  printJourney(journey, write);
  write(`\nFollow it yourself:  pnpm trace ${body.traceId ?? "<traceId>"}`);
}
