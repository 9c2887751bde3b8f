import type { LogLine } from "@tracemesh/mesh";
import { renderTrace } from "@tracemesh/trace";
import type { TodoJourney } from "./todo-journey.ts";
import { traceCommand } from "./trace-command.ts";

export type JourneyReport =
  | { journey: TodoJourney; notifierLogFile: string }
  /** Why the journey could not be followed, e.g. no NATS. */
  | { skipped: string };

const indent = (text: string, prefix = "   ") =>
  text
    .split("\n")
    .map((line) => `${prefix}${line}`)
    .join("\n");

// From the event's time (written to the outbox with the todo) to the delivery line.
function afterEvent(delivered: LogLine): string {
  const notification = delivered.notification as { time?: unknown } | undefined;
  const from = typeof notification?.time === "string" ? Date.parse(notification.time) : Number.NaN;
  const to = typeof delivered.timestamp === "string" ? Date.parse(delivered.timestamp) : Number.NaN;
  return Number.isFinite(to - from) ? ` ${to - from} ms after the event was written` : "";
}

/** Writes the todo's journey: API → outbox → NATS → notifier → auth, under one traceId. */
export function printJourney(
  report: JourneyReport,
  traceQueryUrl: string,
  write: (text: string) => void,
): void {
  write(`\n6. A todo's journey across the queue:`);
  if ("skipped" in report) {
    write(indent(`(skipped: ${report.skipped})`));
    return;
  }
  const { journey, notifierLogFile } = report;
  const { created, traceId, delivered, trace, waitedMs } = journey;
  write(indent(`${created.method} ${created.path}: HTTP ${created.status}`));
  write(indent(`traceresponse: ${created.headers.get("traceresponse")}`));
  if (delivered) {
    write(indent(`the notifier delivered it${afterEvent(delivered)}, under the same traceId:`));
    write(indent(JSON.stringify(delivered)));
  } else {
    write(
      indent(
        `no delivery seen within ${Math.round(waitedMs / 1000)} s: the event did not reach the ` +
          `notifier (is todo-api publishing its outbox to NATS?); see ${notifierLogFile}`,
      ),
    );
  }
  write(indent(trace ? renderTrace(trace) : `(trace ${traceId} not exported yet)`));
  if (delivered) write(indent(traceCommand(traceId, traceQueryUrl)));
}
