import type { ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";

export const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
export const ROOT_SPAN_ID = "00f067aa0ba902b7";
export const CHILD_SPAN_ID = "b7ad6b7169203331";
export const LINKED_TRACE_ID = "0af7651916cd43dd8448eb211c80319c";

/** An SDK span as the OpenTelemetry exporters serialize it. */
export type ReadableSpan = Parameters<typeof ProtobufTraceSerializer.serializeRequest>[0][number];
type Resource = ReadableSpan["resource"];

/** A resource like `resourceFromAttributes` builds, without pulling in the SDK. */
export function sdkResource(attributes: Resource["attributes"]): Resource {
  const resource: Resource = {
    attributes,
    merge: () => resource,
    getRawAttributes: () => Object.entries(attributes),
  };
  return resource;
}

const API_SPAN_KIND = { INTERNAL: 0, SERVER: 1, CLIENT: 2 } as const;

/**
 * Two ended SDK spans of one trace, a server span and its client child with an event, a link and
 * an error status, in the shape the SDK hands to exporters.
 */
export function sdkSpans(traceId = TRACE_ID): ReadableSpan[] {
  const resource = sdkResource({ "service.name": "todo-api", "service.version": "1.2.3" });
  const instrumentationScope = { name: "@tracemesh/test", version: "0.1.0" };
  const common = {
    resource,
    instrumentationScope,
    ended: true,
    duration: [0, 5_000_000] as [number, number],
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
  const root: ReadableSpan = {
    ...common,
    name: "GET /v1/todos/:id",
    kind: API_SPAN_KIND.SERVER,
    spanContext: () => ({ traceId, spanId: ROOT_SPAN_ID, traceFlags: 1 }),
    startTime: [1_700_000_000, 1],
    endTime: [1_700_000_000, 5_000_001],
    status: { code: 0 },
    attributes: { "http.request.method": "GET", "http.response.status_code": 200 },
    links: [],
    events: [],
  };
  const child: ReadableSpan = {
    ...common,
    name: "POST /v1/authorize",
    kind: API_SPAN_KIND.CLIENT,
    spanContext: () => ({ traceId, spanId: CHILD_SPAN_ID, traceFlags: 1 }),
    parentSpanContext: { traceId, spanId: ROOT_SPAN_ID, traceFlags: 1 },
    startTime: [1_700_000_000, 1_000_000],
    endTime: [1_700_000_000, 4_000_000],
    status: { code: 2, message: "upstream timed out" },
    attributes: { "retry.count": 2, "peer.ratio": 0.5, tags: ["a", "b"], cached: false },
    links: [{ context: { traceId: LINKED_TRACE_ID, spanId: ROOT_SPAN_ID, traceFlags: 1 } }],
    events: [
      {
        name: "exception",
        time: [1_700_000_000, 3_000_000],
        attributes: { "exception.type": "TimeoutError" },
      },
    ],
  };
  return [root, child];
}

/** OTLP/JSON for one span of `service`, written by hand as a non-SDK sender would. */
export function otlpJsonRequest(options: {
  traceId: string;
  spanId: string;
  service?: string;
  name?: string;
  startTimeUnixNano?: string;
  /** OTLP status code: 0 unset, 1 ok, 2 error. @default 0 */
  statusCode?: number;
  /** String attributes of the span. */
  attributes?: Record<string, string>;
}) {
  return {
    resourceSpans: [
      {
        resource: {
          attributes: [{ key: "service.name", value: { stringValue: options.service ?? "auth" } }],
        },
        scopeSpans: [
          {
            scope: { name: "manual" },
            spans: [
              {
                traceId: options.traceId,
                spanId: options.spanId,
                name: options.name ?? "authorize",
                kind: 2,
                startTimeUnixNano: options.startTimeUnixNano ?? "1700000000000000000",
                endTimeUnixNano: "1700000000001000000",
                status: options.statusCode ? { code: options.statusCode } : {},
                attributes: Object.entries(options.attributes ?? {}).map(([key, value]) => ({
                  key,
                  value: { stringValue: value },
                })),
              },
            ],
          },
        ],
      },
    ],
  };
}

/** A distinct valid 32-hex trace id per `n`. */
export function traceIdOf(n: number): string {
  return n.toString(16).padStart(32, "a");
}
