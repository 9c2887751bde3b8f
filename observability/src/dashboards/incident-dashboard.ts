import type { Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";
import { firingAlertsAnnotation } from "./alerts-annotation.ts";
import { jaegerSearchLink } from "./jaeger-link.ts";
import { timeseriesPanel } from "./timeseries-panel.ts";
import { tracemeshDashboard } from "./tracemesh-dashboard.ts";

// The availability SLO of prometheus/rules/slo.rules.yml: 99.5 %, so an error budget of 0.5 %.
const ERROR_BUDGET = 0.005;

const failedTraces = jaegerSearchLink({
  title: "Failed traces of this service in Jaeger",
  errorsOnly: true,
});

function burnRate(window: string) {
  return {
    expr: `service:http_server_error_ratio:rate${window} / ${ERROR_BUDGET}`,
    legend: `{{service}} over ${window}`,
  };
}

/**
 * The incident as the alerts see it: the 5xx ratio against HttpErrorRatioHigh's 5 %, the error
 * budget's burn rates against ErrorBudgetBurnFast's 14.4 and …Slow's 6, the firing alerts marked.
 */
export function incidentDashboard(): Dashboard {
  return tracemeshDashboard({
    uid: "tracemesh-incident",
    title: "tracemesh / The incident",
    description:
      "What pages: the 5xx ratio and the error budget's burn rates from the recording rules, against the alerts' thresholds; firing alerts are marked on every panel. Click a series for the service's failed traces in Jaeger.",
    annotations: [firingAlertsAnnotation()],
    panels: [
      timeseriesPanel({
        title: "5xx ratio over 1 m, by service (pages above 5 %)",
        description:
          "service:http_server_error_ratio:rate1m, the ratio HttpErrorRatioHigh watches; it pages above the line, for 10 s, when the service has at least 0.2 requests a second.",
        unit: "percentunit",
        queries: [{ expr: "service:http_server_error_ratio:rate1m", legend: "{{service}}" }],
        threshold: 0.05,
        links: [failedTraces],
      }),
      timeseriesPanel({
        title: "Requests per second over 1 m, by service",
        description:
          "service:http_server_requests:rate1m: below 0.2 a second, a 5xx ratio does not page.",
        unit: "reqps",
        queries: [{ expr: "service:http_server_requests:rate1m", legend: "{{service}}" }],
        floor: 0.2,
        links: [jaegerSearchLink({ title: "Traces of this service in Jaeger" })],
      }),
      timeseriesPanel({
        title: "Error budget burn rate, 1 h and 5 m (pages above 14.4)",
        description:
          "The 5xx ratio divided by the budget (0.5 %). ErrorBudgetBurnFast pages when both windows burn over 14.4 times too fast, 2 % of 30 days' budget in an hour, and the service has at least 0.2 requests a second over 5 m.",
        unit: "short",
        queries: [burnRate("1h"), burnRate("5m")],
        threshold: 14.4,
        links: [failedTraces],
      }),
      timeseriesPanel({
        title: "Error budget burn rate, 6 h and 30 m (ticket above 6)",
        description:
          "ErrorBudgetBurnSlow files a ticket when both windows burn over 6 times too fast, 5 % of the budget in 6 hours, and the service has at least 0.2 requests a second over 5 m.",
        unit: "short",
        queries: [burnRate("6h"), burnRate("30m")],
        threshold: 6,
        links: [failedTraces],
      }),
    ],
  });
}
