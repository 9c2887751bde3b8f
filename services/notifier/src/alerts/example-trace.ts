import { AppError } from "@tracemesh/errors";
import type { Deadline, DependencyClient } from "@tracemesh/resilience";
import { findTracesPath, groupByTrace, type TraceSpan } from "@tracemesh/trace-query";
import type { Alert } from "./alertmanager-payload.ts";

/** A failing request an on-call person can open from the notification. */
export interface ExampleTrace {
  traceId: string;
  /** The trace in the trace backend's UI (Jaeger's `/trace/<id>`, which the local sink serves too). */
  url: string;
}

/** Finds an example failing trace for a firing alert, or says there is none (undefined). */
export type FindExampleTrace = (
  alert: Alert,
  deadline: Deadline,
) => Promise<ExampleTrace | undefined>;

export interface ExampleTraceLogger {
  info(event: string, fields?: Record<string, unknown>): unknown;
  warn(event: string, fields?: Record<string, unknown>): unknown;
}

export interface ExampleTraceOptions {
  /**
   * The dependency client of the trace backend's query API (Jaeger v3, or the local sink). Its
   * timeouts bound how long a notification waits for its example.
   */
  client: DependencyClient;
  /** Base of the trace links. @default the client's query API, which serves `/trace/<id>` */
  uiUrl: string;
  logger: ExampleTraceLogger;
  /** @default Date.now */
  now?: () => number;
}

// An alert fires some time after the failures that raised it: look that far back before it.
const LOOKBACK_MS = 5 * 60_000;
// The backend's error filter also matches a 4xx request whose call to auth failed, which is
// passed over: ask for enough that a run of those leaves a 5xx in.
const TRACES_ASKED = 50;

/** Which alerts want one: rules mark them with the annotation `example_trace: error`. */
export function wantsExampleTrace(alert: Alert): boolean {
  return (
    alert.status === "firing" &&
    alert.annotations.example_trace === "error" &&
    Boolean(alert.labels.service)
  );
}

// Whether the alert's service answered this request with a 5xx: its server span is ERROR, which
// the services set for 5xx only. A 4xx is no example of these alerts, though the service's client
// span to auth is ERROR when auth answers 401.
function answeredServerError(spans: TraceSpan[], service: string): boolean {
  return spans.some(
    (s) => s.serviceName === service && s.kind === "SERVER" && s.statusCode === "ERROR",
  );
}

// The id goes into a link and a notification as it is: only a W3C trace id (32 lower-case hex).
function isTraceId(id: string | undefined): boolean {
  return id !== undefined && /^[0-9a-f]{32}$/.test(id);
}

/**
 * Asks the trace backend for the most recent trace in which the alert's service answered a 5xx,
 * in the alert's window. A backend that is down, slow or knows no such trace gives no example:
 * the notification then goes out without one, as soon as the client's timeout is over.
 */
export function createExampleTraceFinder(options: ExampleTraceOptions): FindExampleTrace {
  const { client, logger, now = Date.now } = options;
  const uiUrl = options.uiUrl.replace(/\/+$/, "");
  return async function findExampleTrace(alert, deadline) {
    if (!wantsExampleTrace(alert)) return undefined;
    const service = alert.labels.service ?? "";
    const startsAt = Date.parse(alert.startsAt);
    const path = findTracesPath({
      serviceName: service,
      startTimeMin: new Date(startsAt - LOOKBACK_MS),
      startTimeMax: new Date(now()),
      attributes: { error: "true" },
      limit: TRACES_ASKED,
    });
    try {
      const document = await client.requestJson({
        method: "GET",
        path,
        deadline,
        meaningfulStatuses: [404],
      });
      // The most recent first; older Jaegers ignore the error filter, so check each trace.
      const traces = groupByTrace(document).filter(
        (spans) => answeredServerError(spans, service) && isTraceId(spans[0]?.traceId),
      );
      traces.sort((a, b) => Number(latestStart(b) - latestStart(a)));
      const [found] = traces;
      if (!found?.[0]) return none(alert, "no 5xx answered by the service in the window");
      const traceId = found[0].traceId;
      logger.info("alert.example_trace_found", { alertname: alert.labels.alertname, traceId });
      return { traceId, url: `${uiUrl}/trace/${traceId}` };
    } catch (error) {
      if (error instanceof AppError && error.code === "RESOURCE_NOT_FOUND") {
        return none(alert, "no trace of the service in the window");
      }
      // Down, slow (the client's timeout), or failing: the notification goes without.
      return none(alert, "the trace backend is unavailable", error);
    }
  };

  function none(alert: Alert, reason: string, error?: unknown): undefined {
    logger.warn("alert.example_trace_unavailable", {
      alertname: alert.labels.alertname,
      service: alert.labels.service,
      reason,
      ...(error === undefined ? {} : { error }),
    });
    return undefined;
  }
}

function latestStart(spans: TraceSpan[]): bigint {
  let latest = 0n;
  for (const span of spans) if (span.startNs > latest) latest = span.startNs;
  return latest;
}
