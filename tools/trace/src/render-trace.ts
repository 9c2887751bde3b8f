import type { TraceSpan } from "@tracemesh/trace-query";

const BAR_WIDTH = 24;
const DURATION_WIDTH = 9;
const SHOWN_ATTRIBUTES = [
  "http.route",
  "http.response.status_code",
  "db.operation.name",
  "messaging.destination.name",
  "error.type",
  "chaos.fault",
  "chaos.latency_ms",
  "tracemesh.degraded",
  "tracemesh.message.delivery_count",
];

export interface RenderOptions {
  /** @default false */
  color?: boolean;
}

/** Draws a trace as an indented tree with a timeline bar per span, children under parents. */
export function renderTrace(spans: TraceSpan[], options: RenderOptions = {}): string {
  const [first] = spans;
  if (!first) return "no spans";
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const children = new Map<string | undefined, TraceSpan[]>();
  for (const span of spans) {
    const parent = span.parentSpanId && byId.has(span.parentSpanId) ? span.parentSpanId : undefined;
    children.set(parent, [...(children.get(parent) ?? []), span]);
  }
  for (const list of children.values()) list.sort((a, b) => (a.startNs < b.startNs ? -1 : 1));
  let start = first.startNs;
  let end = first.endNs;
  for (const span of spans) {
    if (span.startNs < start) start = span.startNs;
    if (span.endNs > end) end = span.endNs;
  }
  const total = Number(end - start) || 1;
  const services = new Set(spans.map((s) => s.serviceName)).size;
  const lines = [
    `trace ${first.traceId} · ${count(spans.length, "span")} · ${count(services, "service")} · ${formatMs(total)}`,
  ];
  const walk = (parent: string | undefined, depth: number): void => {
    for (const span of children.get(parent) ?? []) {
      lines.push(renderLine(span, depth, Number(span.startNs - start), total, options));
      const indent = `${" ".repeat(EVENT_INDENT)}${"  ".repeat(depth)}`;
      // Drawn as a root, but it has a parent: not exported yet, or a caller's that sent traceparent.
      if (parent === undefined && span.parentSpanId) {
        lines.push(
          `${indent}↳ parent span ${span.parentSpanId} not in this trace (not exported yet, or the caller's own)`,
        );
      }
      for (const event of renderEvents(span)) lines.push(`${indent}${event}`);
      walk(span.spanId, depth + 1);
    }
  };
  walk(undefined, 0);
  return lines.join("\n");
}

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;

function renderLine(
  span: TraceSpan,
  depth: number,
  offsetNs: number,
  totalNs: number,
  options: RenderOptions,
): string {
  const from = Math.min(BAR_WIDTH - 1, Math.floor((offsetNs / totalNs) * BAR_WIDTH));
  const width = Math.max(1, Math.round((Number(span.endNs - span.startNs) / totalNs) * BAR_WIDTH));
  const bar = `${" ".repeat(from)}${"█".repeat(Math.min(width, BAR_WIDTH - from))}`.padEnd(
    BAR_WIDTH,
  );
  const attributes = formatAttributes(
    SHOWN_ATTRIBUTES.filter((key) => span.attributes[key] !== undefined).map((key) => [
      key,
      span.attributes[key],
    ]),
  );
  const failed = span.statusCode === "ERROR";
  const label = `${"  ".repeat(depth)}${span.serviceName}: ${span.name} [${span.kind.toLowerCase()}]`;
  const status = failed ? ` ERROR${span.statusMessage ? ` (${span.statusMessage})` : ""}` : "";
  const duration = formatMs(Number(span.endNs - span.startNs)).padStart(DURATION_WIDTH);
  const line = `|${bar}| ${duration}  ${label}${status}${attributes ? `  ${attributes}` : ""}`;
  return failed && options.color ? `\u001b[31m${line}\u001b[0m` : line;
}

// Under the span's label: past `|bar|`, a space, the duration and two spaces (renderLine).
const EVENT_INDENT = BAR_WIDTH + 2 + 1 + DURATION_WIDTH + 2;

/**
 * The span's events, one line each: an exception as its type and message, any other by its name
 * and attributes. An event that only repeats the span's attributes (chaos.fault) is left out.
 */
function renderEvents(span: TraceSpan): string[] {
  const lines: string[] = [];
  for (const event of span.events) {
    if (event.name === "exception") {
      // Its stack trace stays out: the type and message say what failed.
      const type = event.attributes["exception.type"];
      const message = event.attributes["exception.message"];
      lines.push(`↳ exception ${[type, message].filter((v) => v !== undefined).join(": ")}`);
      continue;
    }
    const attributes = Object.entries(event.attributes);
    if (
      attributes.length > 0 &&
      attributes.every(([key, value]) => key in span.attributes && span.attributes[key] === value)
    ) {
      continue;
    }
    const shown = formatAttributes(attributes);
    lines.push(`↳ ${event.name}${shown ? `  ${shown}` : ""}`);
  }
  return lines;
}

/**
 * `key=value` pairs, space-separated, as a span's line and an event's show them; a key with an
 * empty value (OTLP's unset AnyValue) is left out.
 */
function formatAttributes(entries: [string, unknown][]): string {
  return entries
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${formatValue(value)}`)
    .join(" ");
}

/** A kvlist (an object) as JSON; anything else as its string. */
function formatValue(value: unknown): string {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? JSON.stringify(value)
    : String(value);
}

function formatMs(ns: number): string {
  return `${(ns / 1e6).toFixed(ns < 1e7 ? 2 : 1)} ms`;
}
