import type { Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";
import { HTTP_SERVER_OPERATION, jaegerSearchLink, labelParam } from "./jaeger-link.ts";
import { timeseriesPanel } from "./timeseries-panel.ts";
import { tracemeshDashboard } from "./tracemesh-dashboard.ts";

// Health probes are left out, as the rules leave them out: they are the target's story.
const REQUESTS = 'http_server_request_duration_count{http_route!~"/health/.*"}';
const BY_ROUTE = "service, http_request_method, http_route";
const ROUTE_LEGEND = "{{service}} {{http_request_method}} {{http_route}}";

const routeTraces = jaegerSearchLink({
  title: "Traces of this route in Jaeger",
  operation: HTTP_SERVER_OPERATION,
});
// By the series' status code: a 4xx marks no span failed, so `error=true` would find none.
const routeStatusTraces = jaegerSearchLink({
  title: "Traces of this route with this status in Jaeger",
  operation: HTTP_SERVER_OPERATION,
  tag: ["http.response.status_code", labelParam("http_response_status_code")],
});

function durationQuantile(quantile: number) {
  return {
    expr: `histogram_quantile(${quantile}, sum by (${BY_ROUTE}, le) (rate(http_server_request_duration_bucket{http_route!~"/health/.*"}[$__rate_interval])))`,
    legend: `p${quantile * 100} ${ROUTE_LEGEND}`,
  };
}

/** Every service's routes: requests, errors by class and by errorCode, duration percentiles. */
export function servicesDashboard(): Dashboard {
  return tracemeshDashboard({
    uid: "tracemesh-services",
    title: "tracemesh / Services",
    description:
      "Requests, errors and duration of every route of auth, todo-api and the notifier, from the HTTP server metrics (health probes left out). Click a series for its traces in Jaeger.",
    panels: [
      timeseriesPanel({
        title: "Requests per second, by route",
        description: "Every answered request, whatever its status.",
        unit: "reqps",
        queries: [
          {
            expr: `sum by (${BY_ROUTE}) (rate(${REQUESTS}[$__rate_interval]))`,
            legend: ROUTE_LEGEND,
          },
        ],
        links: [routeTraces],
      }),
      timeseriesPanel({
        title: "Error responses per second, by route and status",
        description:
          "5xx: the service failed (or a dependency did). 4xx: the client's request was refused.",
        unit: "reqps",
        queries: [
          {
            expr: `sum by (${BY_ROUTE}, http_response_status_code) (rate(http_server_request_duration_count{http_route!~"/health/.*", http_response_status_code=~"[45].."}[$__rate_interval]))`,
            legend: `{{http_response_status_code}} ${ROUTE_LEGEND}`,
          },
        ],
        links: [routeStatusTraces],
      }),
      timeseriesPanel({
        title: "Duration p50, p95, p99, by route",
        description: "Server-side duration of each request, from the request histogram.",
        unit: "s",
        queries: [durationQuantile(0.5), durationQuantile(0.95), durationQuantile(0.99)],
        links: [routeTraces],
      }),
      timeseriesPanel({
        title: "Errors per second, by errorCode",
        description:
          "The error contract's codes as the services answered them (docs/errors.md); SERVICE_UNAVAILABLE names the dependency that failed.",
        unit: "reqps",
        queries: [
          {
            expr: "sum by (service, error_code, http_response_status_code, dependency) (rate(tracemesh_errors_total[$__rate_interval]))",
            legend: "{{service}} {{error_code}} {{http_response_status_code}} {{dependency}}",
          },
        ],
        // Every error response's server span carries its errorCode, a 4xx's too.
        links: [
          jaegerSearchLink({
            title: "Traces of this service with this errorCode in Jaeger",
            tag: ["error.code", labelParam("error_code")],
          }),
        ],
      }),
    ],
  });
}
