import { VisibilityMode } from "@grafana/grafana-foundation-sdk/common";
import {
  type Dashboard,
  MappingType,
  type ValueMapping,
} from "@grafana/grafana-foundation-sdk/dashboard";
import { PanelBuilder as StateTimelineBuilder } from "@grafana/grafana-foundation-sdk/statetimeline";
import { PROMETHEUS } from "./datasources.ts";
import { jaegerSearchLink } from "./jaeger-link.ts";
import { prometheusTarget } from "./prometheus-target.ts";
import { timeseriesPanel } from "./timeseries-panel.ts";
import { tracemeshDashboard } from "./tracemesh-dashboard.ts";

const DEPENDENCY_LEGEND = "{{service}} → {{dependency}}";

const failedTraces = jaegerSearchLink({
  title: "Failed traces of the caller in Jaeger",
  errorsOnly: true,
});
const callerTraces = jaegerSearchLink({ title: "Traces of the caller in Jaeger" });

// tracemesh_dependency_breaker_state's values (packages/resilience dependency-metrics.ts).
const BREAKER_STATES: ValueMapping[] = [
  {
    type: MappingType.ValueToText,
    options: {
      "0": { text: "closed", color: "green", index: 0 },
      "1": { text: "half-open", color: "yellow", index: 1 },
      "2": { text: "open", color: "red", index: 2 },
    },
  },
];

function breakerStatePanel(): StateTimelineBuilder {
  return new StateTimelineBuilder()
    .title("Circuit breaker state, by caller and dependency")
    .description(
      "Open: the caller answers 503 at once without calling; half-open: one trial call decides. CircuitBreakerOpen files a ticket when it stays open.",
    )
    .datasource(PROMETHEUS)
    .withTarget(
      prometheusTarget(
        {
          expr: "max by (service, dependency) (tracemesh_dependency_breaker_state)",
          legend: DEPENDENCY_LEGEND,
        },
        0,
      ),
    )
    .mappings(BREAKER_STATES)
    .showValue(VisibilityMode.Auto)
    .mergeValues(true)
    .span(12)
    .height(8)
    .dataLinks([failedTraces]);
}

function attemptQuantile(quantile: number) {
  return {
    expr: `histogram_quantile(${quantile}, sum by (service, dependency, outcome, le) (rate(tracemesh_dependency_attempt_duration_bucket[$__rate_interval])))`,
    legend: `p${quantile * 100} ${DEPENDENCY_LEGEND} {{outcome}}`,
  };
}

/**
 * Calls between services through packages/resilience: the 503s a failing dependency causes,
 * breaker states, retries, rejections, attempt latency, and reads served degraded.
 */
export function dependenciesDashboard(): Dashboard {
  return tracemeshDashboard({
    uid: "tracemesh-dependencies",
    title: "tracemesh / Dependencies",
    description:
      "How each service fares with what it calls (todo-api → auth and its database; the notifier → auth, its webhook and the trace query API): 503s because of a dependency, circuit breakers, retries, rejections, attempt latency, degraded reads. Click a series for the caller's traces in Jaeger.",
    panels: [
      timeseriesPanel({
        title: "503s because of a dependency, per second",
        description:
          "SERVICE_UNAVAILABLE answers naming the dependency that failed, over 1 m and without health probes as DependencyUnavailable reads them: it pages above 0.05 a second.",
        unit: "reqps",
        queries: [
          {
            // The alert's own expression: a readiness probe's 503 (NATS away, say) is no page,
            // and a shorter window than the alert's would cross the line when the alert does not.
            expr: 'sum by (service, dependency) (rate(tracemesh_errors_total{error_code="SERVICE_UNAVAILABLE", dependency!="", http_route!~"/health/.*"}[1m]))',
            legend: DEPENDENCY_LEGEND,
          },
        ],
        threshold: 0.05,
        links: [failedTraces],
      }),
      breakerStatePanel(),
      timeseriesPanel({
        title: "Retries per second",
        description:
          "Attempts that retried a failed one: idempotent calls only, within the request's budget.",
        unit: "ops",
        queries: [
          {
            expr: "sum by (service, dependency) (rate(tracemesh_dependency_retries_total[$__rate_interval]))",
            legend: DEPENDENCY_LEGEND,
          },
        ],
        links: [failedTraces],
      }),
      timeseriesPanel({
        title: "Calls refused before reaching the dependency, by reason",
        description:
          "breaker_open: the breaker is open; bulkhead_full: too many calls at once; budget_exhausted: too little of the request's time left.",
        unit: "ops",
        queries: [
          {
            expr: "sum by (service, dependency, reason) (rate(tracemesh_dependency_rejections_total[$__rate_interval]))",
            legend: `${DEPENDENCY_LEGEND} {{reason}}`,
          },
        ],
        links: [failedTraces],
      }),
      timeseriesPanel({
        title: "Attempts per second, by outcome",
        description: "Each HTTP attempt to a dependency, retries included.",
        unit: "ops",
        queries: [
          {
            expr: "sum by (service, dependency, outcome) (rate(tracemesh_dependency_attempt_duration_count[$__rate_interval]))",
            legend: `${DEPENDENCY_LEGEND} {{outcome}}`,
          },
        ],
        links: [callerTraces],
      }),
      timeseriesPanel({
        title: "Attempt duration p50 and p95, by outcome",
        description: "How long each HTTP attempt to a dependency took, by how it ended.",
        unit: "s",
        queries: [attemptQuantile(0.5), attemptQuantile(0.95)],
        links: [callerTraces],
      }),
      timeseriesPanel({
        title: "Reads served degraded, per second",
        description:
          "Reads todo-api answered on a recent decision of auth's because auth was unavailable (X-Degraded: auth). Writes never are.",
        unit: "reqps",
        queries: [
          {
            expr: "sum by (service, dependency, action) (rate(tracemesh_authorization_degraded_total[$__rate_interval]))",
            legend: `${DEPENDENCY_LEGEND} {{action}}`,
          },
        ],
        span: 24,
        links: [callerTraces],
      }),
    ],
  });
}
