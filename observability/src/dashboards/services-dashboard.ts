import type { Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";
import { HTTP_SERVER_OPERATION, jaegerSearchLink } from "./jaeger-link.ts";
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
const failedRouteTraces = jaegerSearchLink({
  title: "Failed traces of this route in Jaeger",
  operation: HTTP_SERVER_OPERATION,
  errorsOnly: true,
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
        title: "Error responses per second, 5xx and 4xx, by route",
        description:
          "5xx: the service failed (or a dependency did). 4xx: the client's request was refused.",
        unit: "reqps",
        queries: [
          {
            expr: `sum by (${BY_ROUTE}) (rate(http_server_request_duration_count{http_route!~"/health/.*", http_response_status_code=~"5.."}[$__rate_interval]))`,
            legend: `5xx ${ROUTE_LEGEND}`,
          },
          {
            expr: `sum by (${BY_ROUTE}) (rate(http_server_request_duration_count{http_route!~"/health/.*", http_response_status_code=~"4.."}[$__rate_interval]))`,
            legend: `4xx ${ROUTE_LEGEND}`,
          },
        ],
        links: [failedRouteTraces],
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
        links: [
          jaegerSearchLink({ title: "Failed traces of this service in Jaeger", errorsOnly: true }),
        ],
      }),
    ],
  });
}
