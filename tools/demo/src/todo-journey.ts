import type { LogLine, ServiceProcess } from "@tracemesh/mesh";
import { fetchTrace, type TraceSpan } from "@tracemesh/trace-query";
import type { ObservedResponse } from "./replay-incident.ts";

/** The services a todo's trace crosses: the API, the queue's consumer, and auth for both. */
export const JOURNEY_SERVICES = ["todo-api", "notifier", "auth"];

export interface TodoJourney {
  /** The `POST /v1/todos` the demo followed. */
  created: ObservedResponse;
  traceId: string;
  /** The notifier's `notification.delivered` line with the same traceId, if one came in time. */
  delivered: LogLine | undefined;
  /** The trace as exported: every journey service once delivered, whatever there is otherwise. */
  trace: TraceSpan[] | undefined;
  waitedMs: number;
}

export interface FollowTodoOptions {
  created: ObservedResponse;
  notifier: ServiceProcess;
  queryUrl: string;
  /** @default 15000 */
  deliveryTimeoutMs?: number;
  /** @default 10000 */
  traceTimeoutMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The trace id of a W3C `traceresponse` header: `00-<traceId>-<spanId>-<flags>`. */
export function traceIdOfResponse(response: ObservedResponse): string | undefined {
  return /^00-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/.exec(
    response.headers.get("traceresponse") ?? "",
  )?.[1];
}

async function waitForDelivery(
  notifier: ServiceProcess,
  traceId: string,
  timeoutMs: number,
): Promise<LogLine | undefined> {
  const deadline = Date.now() + timeoutMs;
  do {
    const line = notifier
      .logs()
      .find((each) => each.event === "notification.delivered" && each.traceId === traceId);
    if (line) return line;
    await sleep(200);
  } while (Date.now() < deadline);
  return undefined;
}

// Every service named is in, and every HTTP call has its server's span: a service that has
// exported some spans of the trace may still hold the one answering a later call.
function isWhole(spans: TraceSpan[], services: string[]): boolean {
  const seen = new Set(spans.map((span) => span.serviceName));
  const parents = new Set(spans.map((span) => span.parentSpanId));
  const httpCalls = spans.filter(
    (span) => span.kind === "CLIENT" && span.attributes["http.request.method"] !== undefined,
  );
  return (
    services.every((service) => seen.has(service)) &&
    httpCalls.every((call) => parents.has(call.spanId))
  );
}

// Each service exports its spans on its own schedule: wait until the trace is whole.
async function waitForTrace(
  traceId: string,
  queryUrl: string,
  services: string[],
  timeoutMs: number,
): Promise<TraceSpan[] | undefined> {
  const deadline = Date.now() + timeoutMs;
  let latest: TraceSpan[] | undefined;
  do {
    const spans = await fetchTrace(traceId, { baseUrl: queryUrl }).catch(() => undefined);
    if (spans && spans.length > 0) latest = spans;
    if (latest && isWhole(latest, services)) return latest;
    await sleep(500);
  } while (Date.now() < deadline);
  return latest;
}

/**
 * Follows one created todo across the queue: the notifier's delivery line with the request's
 * traceId, then the trace once todo-api, notifier and auth have all exported their spans.
 */
export async function followTodo(options: FollowTodoOptions): Promise<TodoJourney | undefined> {
  const {
    created,
    notifier,
    queryUrl,
    deliveryTimeoutMs = 15_000,
    traceTimeoutMs = 10_000,
  } = options;
  const traceId = traceIdOfResponse(created);
  if (!traceId) return undefined;
  const started = Date.now();
  const delivered = await waitForDelivery(notifier, traceId, deliveryTimeoutMs);
  const waitedMs = Date.now() - started;
  // Without a delivery the notifier has nothing to export: the request's own spans will do.
  const expected = delivered ? JOURNEY_SERVICES : ["todo-api", "auth"];
  const trace = await waitForTrace(traceId, queryUrl, expected, traceTimeoutMs);
  return { created, traceId, delivered, trace, waitedMs };
}
