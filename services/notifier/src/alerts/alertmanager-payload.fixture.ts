import type { AlertmanagerPayload } from "./alertmanager-payload.ts";

/** What Alertmanager (0.25 to 0.28) sends for a group of two alerts, one firing and one resolved. */
export function alertmanagerPayload(): AlertmanagerPayload {
  return {
    version: "4",
    groupKey: '{}:{alertname="HttpErrorRatioHigh"}',
    truncatedAlerts: 0,
    status: "firing",
    receiver: "notifier",
    groupLabels: { alertname: "HttpErrorRatioHigh" },
    commonLabels: { alertname: "HttpErrorRatioHigh", service: "todo-api", severity: "page" },
    commonAnnotations: { summary: "todo-api answers 5xx to more than 5 % of requests" },
    externalURL: "http://alertmanager:9093",
    alerts: [
      {
        status: "firing",
        labels: {
          alertname: "HttpErrorRatioHigh",
          service: "todo-api",
          severity: "page",
          http_route: "/error",
        },
        annotations: {
          summary: "todo-api answers 5xx to more than 5 % of requests",
          description: "todo-api answered 5xx to 33.33% of its requests over the last minute.",
          runbook_url: "docs/runbooks/http-error-ratio-high.md",
          example_trace: "error",
        },
        startsAt: "2026-11-25T10:00:00.123456789Z",
        endsAt: "0001-01-01T00:00:00Z",
        generatorURL: "http://prometheus:9090/graph?g0.expr=rate",
        fingerprint: "3f9c2a51b4e0d7c8",
      },
      {
        status: "resolved",
        labels: {
          alertname: "HttpErrorRatioHigh",
          service: "todo-api",
          severity: "page",
          http_route: "/v1/todos",
        },
        annotations: { summary: "todo-api answers 5xx to more than 5 % of requests" },
        startsAt: "2026-11-25T09:00:00Z",
        endsAt: "2026-11-25T09:30:00Z",
        generatorURL: "http://prometheus:9090/graph?g0.expr=rate",
        fingerprint: "0a1b2c3d4e5f6071",
      },
    ],
  };
}
